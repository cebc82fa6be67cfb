package io.privacysuite.local.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.privacysuite.local.runtime.FunctionInvocationException;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.runtime.LocalFunctions;
import io.privacysuite.local.runtime.LocalLog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's Invoke API on the local stack ({@code POST /2015-03-31/functions/{name}/invocations}), so an operator
 * sends the console events of {@code events/} to a running suite ({@code ./operator}, or {@code aws lambda invoke
 * --endpoint-url}). The port is loopback-only; a request a web page could send (one carrying {@code Origin} or a
 * cross-site {@code Sec-Fetch-Site}) is refused, so no site a developer visits can drive the operator functions.
 */
public final class InvokeEndpoint implements HttpHandler {
    public static final String PREFIX = "/2015-03-31/functions/";
    /** Lambda's own limit for a synchronous invocation's payload. */
    static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([A-Za-z0-9_-]{1,64})/invocations");
    private static final LocalLog LOG = LocalLog.get(InvokeEndpoint.class);

    private final LocalFunctions functions;

    public InvokeEndpoint(LocalFunctions functions) {
        this.functions = functions;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher m = PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!m.matches() || functions.find(m.group(1)).isEmpty()) {
                send(exchange, 404, error("ResourceNotFoundException", "Function not found"), null);
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, error("MethodNotAllowed", "POST the event"), null);
                return;
            }
            String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
            if (exchange.getRequestHeaders().containsKey("Origin") || (site != null && !site.equals("none"))) {
                send(exchange, 403, error("AccessDeniedException", "Not from a web page"), null);
                return;
            }
            byte[] payload = exchange.getRequestBody().readNBytes(MAX_PAYLOAD_BYTES + 1);
            if (payload.length > MAX_PAYLOAD_BYTES) {
                send(exchange, 413, error("RequestTooLargeException", "Payload over 6 MB"), null);
                return;
            }
            String function = m.group(1);
            Object answer;
            try {
                answer = functions.invoke(function, new String(payload, StandardCharsets.UTF_8));
            } catch (FunctionInvocationException e) {
                // As Lambda answers a function that threw: 200, the error in the body, and this header.
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.info("%s failed for an invoked event: %s", function, LocalLog.describe(cause));
                send(exchange, 200, error(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage())),
                        "Unhandled");
                return;
            }
            send(exchange, 200, LambdaJson.toTree(answer).toString(), null);
        }
    }

    private static String error(String type, String message) {
        return LambdaJson.MAPPER.createObjectNode().put("errorType", type).put("errorMessage", message).toString();
    }

    private static void send(HttpExchange exchange, int status, String body, String functionError) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("content-type", "application/json");
        if (functionError != null) {
            exchange.getResponseHeaders().set("x-amz-function-error", functionError);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
