package io.privacysuite.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A read-only view of an HTTP API (payload 2.0) event with the checks every route needs. */
public final class ApiRequest {
    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> headers;

    public ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        // API Gateway lower-cases header names in payload 2.0; normalising again keeps hand-written test events honest.
        Map<String, String> normalised = new TreeMap<>();
        if (event.getHeaders() != null) {
            event.getHeaders().forEach((k, v) -> normalised.put(k.toLowerCase(Locale.ROOT), v));
        }
        this.headers = normalised;
    }

    public String routeKey() {
        return event.getRouteKey() == null ? "" : event.getRouteKey();
    }

    public String method() {
        APIGatewayV2HTTPEvent.RequestContext ctx = event.getRequestContext();
        return ctx != null && ctx.getHttp() != null ? ctx.getHttp().getMethod() : routeKey().split(" ")[0];
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT))).filter(v -> !v.isBlank());
    }

    /**
     * A path parameter, refused before any store sees it unless it is 1-{@value #MAX_PATH_PARAMETER} URL-safe
     * characters: no id the suite issues looks different, so anything else names nothing (404).
     */
    public String pathParameter(String name) {
        String value = event.getPathParameters() == null ? null : event.getPathParameters().get(name);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("Missing path parameter " + name + ".");
        }
        if (value.length() > MAX_PATH_PARAMETER || !PATH_PARAMETER.matcher(value).matches()) {
            throw ApiException.notFound("Resource");
        }
        return value;
    }

    static final int MAX_PATH_PARAMETER = 128;
    private static final java.util.regex.Pattern PATH_PARAMETER = java.util.regex.Pattern.compile("[A-Za-z0-9._~-]+");

    public Optional<String> query(String name) {
        Map<String, String> query = event.getQueryStringParameters();
        return Optional.ofNullable(query == null ? null : query.get(name)).filter(v -> !v.isBlank());
    }

    public String sourceIp() {
        APIGatewayV2HTTPEvent.RequestContext ctx = event.getRequestContext();
        return ctx != null && ctx.getHttp() != null ? ctx.getHttp().getSourceIp() : null;
    }

    public String requestId() {
        APIGatewayV2HTTPEvent.RequestContext ctx = event.getRequestContext();
        return ctx != null && ctx.getRequestId() != null ? ctx.getRequestId() : "";
    }

    /** The raw body bytes, refusing anything over {@code limit} bytes with 413 before parsing it. */
    public byte[] body(int limit) {
        String body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        // A string's UTF-8 size is at most 3x its length: cheap pre-check before encoding a huge body.
        if (!event.getIsBase64Encoded() && body.length() > limit) {
            throw ApiException.tooLarge(limit);
        }
        byte[] bytes = event.getIsBase64Encoded()
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limit) {
            throw ApiException.tooLarge(limit);
        }
        return bytes;
    }

    /**
     * An HTML form's fields ({@code application/x-www-form-urlencoded}); 415 for another content type, 413 over
     * {@code limit}. A repeated field keeps its first value.
     */
    public Map<String, String> formBody(int limit) {
        String type = header("content-type").map(t -> t.split(";")[0].strip().toLowerCase(Locale.ROOT)).orElse("");
        if (!type.equals("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "unsupported_media_type", "Send the form as application/x-www-form-urlencoded.");
        }
        Map<String, String> fields = new TreeMap<>();
        for (String pair : new String(body(limit), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty() || eq == 0) {
                continue;
            }
            try {
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("The form is not valid URL encoding.");
            }
        }
        return fields;
    }

    /** The body as a JSON object; 400 when absent, malformed or not an object; 413 over {@code limit}. */
    public JsonNode jsonBody(int limit) {
        byte[] bytes = body(limit);
        if (bytes.length == 0) {
            throw ApiException.badRequest("A JSON body is required.");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("The body must be a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The body is not valid JSON.");
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("The body could not be read.");
        }
    }
}
