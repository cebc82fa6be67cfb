package io.privacysuite.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.local.runtime.LambdaJson;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map.Entry;
import java.util.Map;

/** Builds HTTP API payload 2.0 events from raw requests, and reads handler output back, as API Gateway does. */
public final class HttpApiEvents {
    public static final String API_ID = "localapi01";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private HttpApiEvents() {}

    /**
     * A request as received.
     *
     * @param headers  in arrival order, one entry per header line (names in any case)
     * @param sourceIp the client address API Gateway would report
     */
    public record RawRequest(String method, String rawPath, String rawQueryString, List<Entry<String, String>> headers,
                             byte[] body, String sourceIp, Instant receivedAt) {
        public RawRequest {
            rawQueryString = rawQueryString == null ? "" : rawQueryString;
            body = body == null ? new byte[0] : body;
            headers = List.copyOf(headers);
        }
    }

    /** The event API Gateway would send for {@code request} routed to {@code match}. */
    public static APIGatewayV2HTTPEvent build(RawRequest request, HttpRoute.Match match, String accountId) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                // Payload 2.0 moves cookies to their own array and drops the header.
                for (String cookie : header.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.trim());
                    }
                }
                continue;
            }
            headers.merge(name, header.getValue(), (a, b) -> a + "," + b);
        }
        String host = headers.getOrDefault("host", "127.0.0.1");
        String domainPrefix = host.contains(".") ? host.substring(0, host.indexOf('.')) : host.split(":")[0];

        APIGatewayV2HTTPEvent.RequestContext.Http http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(request.method().toUpperCase(Locale.ROOT))
                .withPath(request.rawPath())
                .withProtocol("HTTP/1.1")
                .withSourceIp(request.sourceIp())
                .withUserAgent(headers.getOrDefault("user-agent", ""))
                .build();
        APIGatewayV2HTTPEvent.RequestContext context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withAccountId(accountId)
                .withApiId(API_ID)
                .withDomainName(host)
                .withDomainPrefix(domainPrefix)
                .withHttp(http)
                .withRequestId(requestId())
                .withRouteKey(match.route().routeKey())
                .withStage("$default")
                .withTime(TIME.format(request.receivedAt()))
                .withTimeEpoch(request.receivedAt().toEpochMilli())
                .build();

        APIGatewayV2HTTPEvent.APIGatewayV2HTTPEventBuilder event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(match.route().routeKey())
                .withRawPath(request.rawPath())
                .withRawQueryString(request.rawQueryString())
                .withHeaders(headers)
                .withRequestContext(context)
                .withIsBase64Encoded(false);
        if (!cookies.isEmpty()) {
            event.withCookies(cookies);
        }
        Map<String, String> query = queryParameters(request.rawQueryString());
        if (!query.isEmpty()) {
            event.withQueryStringParameters(query);
        }
        if (!match.pathParameters().isEmpty()) {
            event.withPathParameters(new LinkedHashMap<>(match.pathParameters()));
        }
        if (request.body().length > 0) {
            if (isTextual(headers.get("content-type"))) {
                event.withBody(new String(request.body(), StandardCharsets.UTF_8));
            } else {
                event.withBody(Base64.getEncoder().encodeToString(request.body())).withIsBase64Encoded(true);
            }
        }
        return event.build();
    }

    /** Decoded query parameters; a repeated key's values are comma-joined, as in payload 2.0. */
    public static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.merge(key, value, (a, b) -> a + "," + b);
        }
        return out;
    }

    /** Bodies API Gateway passes as text; anything else arrives base64-encoded. */
    public static boolean isTextual(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return type.startsWith("text/") || type.contains("json") || type.contains("xml")
                || type.equals("application/x-www-form-urlencoded") || type.equals("application/javascript");
    }

    /** What goes back on the wire. */
    public record HttpResult(int status, List<Entry<String, String>> headers, byte[] body) {}

    /**
     * Reads handler output the way API Gateway does for payload 2.0: an object with {@code statusCode} is a response;
     * anything else is a 200 whose body is the output as JSON.
     */
    public static HttpResult toResult(Object output) {
        JsonNode json = output instanceof APIGatewayV2HTTPResponse r ? LambdaJson.MAPPER.valueToTree(r) : LambdaJson.toTree(output);
        List<Entry<String, String>> headers = new ArrayList<>();
        if (json == null || json.isNull() || json.isMissingNode()) {
            return new HttpResult(200, List.of(Map.entry("content-type", "application/json")), new byte[0]);
        }
        if (!json.isObject() || !json.has("statusCode")) {
            headers.add(Map.entry("content-type", "application/json"));
            String body = json.isTextual() ? json.asText() : json.toString();
            return new HttpResult(200, headers, body.getBytes(StandardCharsets.UTF_8));
        }
        int status = json.get("statusCode").asInt();
        json.path("headers").fields().forEachRemaining(e -> headers.add(Map.entry(e.getKey(), e.getValue().asText())));
        json.path("multiValueHeaders").fields().forEachRemaining(e -> {
            for (JsonNode value : e.getValue()) {
                headers.add(Map.entry(e.getKey(), value.asText()));
            }
        });
        for (JsonNode cookie : json.path("cookies")) {
            headers.add(Map.entry("Set-Cookie", cookie.asText()));
        }
        JsonNode bodyNode = json.get("body");
        byte[] body = new byte[0];
        if (bodyNode != null && !bodyNode.isNull()) {
            String text = bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString();
            body = json.path("isBase64Encoded").asBoolean(false)
                    ? Base64.getDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
        }
        return new HttpResult(status, headers, body);
    }

    private static String requestId() {
        byte[] bytes = new byte[10];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().withoutPadding().encodeToString(bytes) + "=";
    }
}
