package io.privacysuite.core.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an HTTP API (payload 2.0) event and writes its response by hand, for handlers that take Lambda's raw
 * stream: binding the events library's beans by reflection costs a cold start hundreds of classes and a few
 * hundred milliseconds, and the payload is a dozen fields. The names are those API Gateway sends and reads.
 */
public final class HttpApiJson {
    private HttpApiJson() {}

    /** The event in {@code in}; an IOException when it is not JSON or a field has the wrong shape. */
    public static APIGatewayV2HTTPEvent read(InputStream in) throws IOException {
        JsonNode json = Json.MAPPER.readTree(in);
        if (json == null || !json.isObject()) {
            throw new IOException("an HTTP API event is a JSON object");
        }
        JsonNode context = json.path("requestContext");
        APIGatewayV2HTTPEvent.RequestContext requestContext = null;
        if (context.isObject()) {
            JsonNode http = context.path("http");
            requestContext = APIGatewayV2HTTPEvent.RequestContext.builder()
                    .withRouteKey(text(context, "routeKey"))
                    .withAccountId(text(context, "accountId"))
                    .withApiId(text(context, "apiId"))
                    .withDomainName(text(context, "domainName"))
                    .withDomainPrefix(text(context, "domainPrefix"))
                    .withStage(text(context, "stage"))
                    .withRequestId(text(context, "requestId"))
                    .withTime(text(context, "time"))
                    .withTimeEpoch(context.path("timeEpoch").asLong(0))
                    .withHttp(http.isObject() ? APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                            .withMethod(text(http, "method"))
                            .withPath(text(http, "path"))
                            .withProtocol(text(http, "protocol"))
                            .withSourceIp(text(http, "sourceIp"))
                            .withUserAgent(text(http, "userAgent"))
                            .build() : null)
                    .build();
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion(text(json, "version"))
                .withRouteKey(text(json, "routeKey"))
                .withRawPath(text(json, "rawPath"))
                .withRawQueryString(text(json, "rawQueryString"))
                .withCookies(list(json, "cookies"))
                .withHeaders(map(json, "headers"))
                .withQueryStringParameters(map(json, "queryStringParameters"))
                .withPathParameters(map(json, "pathParameters"))
                .withStageVariables(map(json, "stageVariables"))
                .withBody(text(json, "body"))
                .withIsBase64Encoded(json.path("isBase64Encoded").asBoolean(false))
                .withRequestContext(requestContext)
                .build();
    }

    /**
     * Reads a small event and writes a small response, so the JSON classes a first request needs are loaded and
     * initialized now: a cold start calls this while another thread waits on the network.
     */
    public static void warmUp() {
        try {
            read(new java.io.ByteArrayInputStream(("{\"routeKey\":\"GET /\",\"headers\":{\"a\":\"b\"},"
                    + "\"requestContext\":{\"http\":{\"method\":\"GET\"}},\"cookies\":[\"c\"]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            write(APIGatewayV2HTTPResponse.builder().withStatusCode(204).withHeaders(Map.of("a", "b")).build(),
                    OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The response as API Gateway reads it (absent fields are left out, as the runtime leaves out nulls). */
    public static void write(APIGatewayV2HTTPResponse response, OutputStream out) throws IOException {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            g.writeNumberField("statusCode", response.getStatusCode());
            writeMap(g, "headers", response.getHeaders());
            if (response.getMultiValueHeaders() != null) {
                g.writeObjectFieldStart("multiValueHeaders");
                for (Map.Entry<String, List<String>> e : response.getMultiValueHeaders().entrySet()) {
                    g.writeArrayFieldStart(e.getKey());
                    for (String value : e.getValue()) {
                        g.writeString(value);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            if (response.getCookies() != null) {
                g.writeArrayFieldStart("cookies");
                for (String cookie : response.getCookies()) {
                    g.writeString(cookie);
                }
                g.writeEndArray();
            }
            if (response.getBody() != null) {
                g.writeStringField("body", response.getBody());
            }
            g.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
            g.writeEndObject();
        }
    }

    private static void writeMap(JsonGenerator g, String name, Map<String, String> map) throws IOException {
        if (map == null) {
            return;
        }
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static String text(JsonNode parent, String name) throws IOException {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw new IOException("event field " + name + " is not a single value");
        }
        return value.asText();
    }

    private static Map<String, String> map(JsonNode parent, String name) throws IOException {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new IOException("event field " + name + " is not an object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            result.put(e.getKey(), text(value, e.getKey()));
        }
        return result;
    }

    private static List<String> list(JsonNode parent, String name) throws IOException {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new IOException("event field " + name + " is not an array");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode()) {
                throw new IOException("event field " + name + " holds something other than strings");
            }
            result.add(item.isNull() ? null : item.asText());
        }
        return result;
    }
}
