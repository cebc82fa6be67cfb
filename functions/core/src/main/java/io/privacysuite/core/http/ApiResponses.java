package io.privacysuite.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds HTTP API responses: JSON bodies, no caching of personal data, error envelopes. */
public final class ApiResponses {
    private ApiResponses() {}

    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return json(status, body, Map.of());
    }

    public static APIGatewayV2HTTPResponse json(int status, Object body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("cache-control", "no-store");
        headers.putAll(extraHeaders);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body instanceof String s ? s : Json.write(body))
                .build();
    }

    public static APIGatewayV2HTTPResponse noContent(Map<String, String> headers) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(204).withHeaders(new LinkedHashMap<>(headers)).build();
    }

    /**
     * An HTML page. {@code same-origin}, not {@code no-referrer}: links on the page (tokens in their URLs) send no
     * referrer to other sites, while the page's own form POSTs keep their {@code Origin} (under {@code no-referrer}
     * browsers send {@code Origin: null}, and the origin check would refuse every real click).
     */
    public static APIGatewayV2HTTPResponse html(int status, String html) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(new LinkedHashMap<>(Map.of(
                        "content-type", "text/html; charset=utf-8",
                        "cache-control", "no-store",
                        "referrer-policy", "same-origin")))
                .withBody(html)
                .build();
    }

    /** 302 to {@code location}; never cached, and the location is not leaked as a referrer. */
    public static APIGatewayV2HTTPResponse redirect(String location) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(302)
                .withHeaders(new LinkedHashMap<>(Map.of(
                        "location", location,
                        "cache-control", "no-store",
                        "referrer-policy", "no-referrer")))
                .build();
    }

    public static APIGatewayV2HTTPResponse error(ApiException e, Map<String, String> extraHeaders) {
        ObjectNode error = Json.object();
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (!e.fieldErrors().isEmpty()) {
            ObjectNode fields = error.putObject("fields");
            e.fieldErrors().forEach(fields::put);
        }
        ObjectNode body = Json.object();
        body.set("error", error);
        Map<String, String> headers = new LinkedHashMap<>(e.headers());
        headers.putAll(extraHeaders);
        return json(e.status(), body, headers);
    }

    /**
     * The answer of a console (operator) function that refused an action: {@code {"error": {...}}} rather than a
     * failed invocation, so the Lambda console shows the reason next to the test event.
     */
    public static Map<String, Object> consoleError(ApiException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", e.status());
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (!e.fieldErrors().isEmpty()) {
            error.put("fields", e.fieldErrors());
        }
        return Map.of("error", error);
    }

    public static APIGatewayV2HTTPResponse internalError(String requestId) {
        return error(new ApiException(500, "internal_error",
                "Something went wrong on our side. Reference: " + requestId), Map.of());
    }
}
