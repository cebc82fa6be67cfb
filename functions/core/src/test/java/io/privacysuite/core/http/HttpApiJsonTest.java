package io.privacysuite.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class HttpApiJsonTest {
    /** What a handler taking the events library's beans got: the bean bound by reflection. */
    private static final ObjectMapper BEANS = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    @Test
    void warmUpShouldReadAndWriteItsOwnSampleWithoutFailing() {
        org.assertj.core.api.Assertions.assertThatCode(HttpApiJson::warmUp).doesNotThrowAnyException();
    }

    @Test
    void every_sample_http_api_event_reads_as_the_bean_binding_reads_it() throws IOException {
        List<Path> httpEvents = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("../../events"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode json = BEANS.readTree(file.toFile());
                if (json.isObject() && json.has("routeKey") && json.has("requestContext")) {
                    httpEvents.add(file);
                }
            }
        }
        assertThat(httpEvents).hasSizeGreaterThan(10);
        for (Path file : httpEvents) {
            byte[] bytes = Files.readAllBytes(file);
            APIGatewayV2HTTPEvent expected = BEANS.readValue(bytes, APIGatewayV2HTTPEvent.class);
            assertThat(HttpApiJson.read(new ByteArrayInputStream(bytes))).as(file.toString()).isEqualTo(expected);
        }
    }

    @Test
    void every_field_of_the_payload_is_read() throws IOException {
        String json = """
                {"version":"2.0","routeKey":"PUT /x/{id}","rawPath":"/x/1","rawQueryString":"a=1&b=%20",
                 "cookies":["c=1","d=2"],"headers":{"content-type":"application/json","X-Mixed":"v"},
                 "queryStringParameters":{"a":"1","b":" "},"pathParameters":{"id":"1"},"stageVariables":{"s":"v"},
                 "body":"eyJhIjoxfQ==","isBase64Encoded":true,
                 "requestContext":{"accountId":"1","apiId":"a","domainName":"d","domainPrefix":"p","stage":"$default",
                   "requestId":"r","routeKey":"PUT /x/{id}","time":"t","timeEpoch":1795341600000,
                   "http":{"method":"PUT","path":"/x/1","protocol":"HTTP/1.1","sourceIp":"203.0.113.9","userAgent":"u"}}}
                """;
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        APIGatewayV2HTTPEvent read = HttpApiJson.read(new ByteArrayInputStream(bytes));
        assertThat(read).isEqualTo(BEANS.readValue(bytes, APIGatewayV2HTTPEvent.class));
        assertThat(read.getIsBase64Encoded()).isTrue();
        assertThat(read.getCookies()).containsExactly("c=1", "d=2");
        assertThat(read.getRequestContext().getHttp().getSourceIp()).isEqualTo("203.0.113.9");
        assertThat(read.getRequestContext().getTimeEpoch()).isEqualTo(1795341600000L);
        assertThat(read.getHeaders()).containsEntry("X-Mixed", "v");
    }

    @Test
    void a_malformed_event_is_an_error_not_an_empty_request() {
        for (String bad : List.of("", "[]", "{\"headers\":[1]}", "{\"body\":{\"a\":1}}", "{\"cookies\":\"c\"}",
                "{\"routeKey\":\"a\",\"routeKey\":\"b\"}", "{\"headers\":{\"a\":{}}}")) {
            assertThatThrownBy(() -> HttpApiJson.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))))
                    .as(bad).isInstanceOf(IOException.class);
        }
    }

    @Test
    void a_response_is_written_as_the_runtime_serializes_the_bean() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-quote", "a \"b\" \u0001 é");
        List<APIGatewayV2HTTPResponse> responses = List.of(
                ApiResponses.json(201, Map.of("a", "b\nc"), Map.of("retry-after", "3")),
                ApiResponses.noContent(Map.of()),
                ApiResponses.redirect("https://example.org/?a=1&b=2"),
                APIGatewayV2HTTPResponse.builder().withStatusCode(200).withHeaders(headers)
                        .withMultiValueHeaders(Map.of("set-cookie", List.of("a=1", "b=2")))
                        .withCookies(List.of("c=3")).withBody("AAEC").withIsBase64Encoded(true).build(),
                APIGatewayV2HTTPResponse.builder().withStatusCode(500).build());
        for (APIGatewayV2HTTPResponse response : responses) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpApiJson.write(response, out);
            assertThat(BEANS.readTree(out.toByteArray())).isEqualTo(BEANS.valueToTree(response));
            assertThat(BEANS.readValue(out.toByteArray(), APIGatewayV2HTTPResponse.class)).isEqualTo(response);
        }
    }
}
