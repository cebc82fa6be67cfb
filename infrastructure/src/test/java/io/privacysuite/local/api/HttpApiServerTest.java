package io.privacysuite.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.LocalSuiteOptions;
import io.privacysuite.local.TestEmulators;
import io.privacysuite.local.TestHandlers;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.template.Template;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpApiServerTest {
    private static final String TEMPLATE = """
            Parameters:
              Stage: {Type: String, Default: dev}
            Globals:
              Function:
                Environment:
                  Variables:
                    STAGE: !Ref Stage
            Resources:
              Items:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
                  KeySchema: [{AttributeName: pk, KeyType: HASH}]
              Api:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$Http::handleRequest
                  Environment:
                    Variables:
                      TABLE: !Ref Items
                  Events:
                    Create:
                      Type: HttpApi
                      Properties:
                        Method: POST
                        Path: /v1/items/{itemId}
                    Anything:
                      Type: HttpApi
                      Properties:
                        Method: ANY
                        Path: /v1/{proxy+}
              Ticker:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$DescribeSchedule::handleRequest
                  Events:
                    Every5:
                      Type: Schedule
                      Properties:
                        Schedule: rate(5 minutes)
            """;

    private static LocalSuite stack;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        System.setProperty(HttpApiServer.TRUST_FORWARDED_FOR, "true");
        System.setProperty(HttpApiServer.BODY_TIMEOUT_MILLIS, "400");
        stack = LocalSuite.start(LocalSuiteOptions.defaults()
                .endpoints(TestEmulators.shared())
                .template(Template.parse(TEMPLATE))
                .prefix("t-http-"));
    }

    @AfterAll
    static void stop() {
        stack.close();
        System.clearProperty(HttpApiServer.TRUST_FORWARDED_FOR);
        System.clearProperty(HttpApiServer.BODY_TIMEOUT_MILLIS);
    }

    @Test
    void aBodyShorterThanItsContentLengthShouldNotHoldAWorker() throws Exception {
        java.util.List<java.net.Socket> stalled = new java.util.ArrayList<>();
        try {
            // More stalled uploads than the server has workers.
            for (int i = 0; i < 24; i++) {
                java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                        stack.httpBaseUri().getPort());
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("POST /v1/items/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"n\":")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            HttpResponse<String> meanwhile = send(HttpRequest.newBuilder(uri("/v1/items/fast"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertThat(meanwhile.statusCode()).isEqualTo(201);
            for (java.net.Socket socket : stalled) {
                String status;
                try {
                    status = new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
                } catch (java.net.SocketException reset) {
                    status = "";
                }
                assertThat(status).as("stalled upload answered 408 or closed").satisfiesAnyOf(
                        s -> assertThat(s).isEmpty(), s -> assertThat(s).contains(" 408"));
            }
        } finally {
            for (java.net.Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aTrailingSlashShouldNotReachTheFunction() throws Exception {
        HttpResponse<String> exact = send(HttpRequest.newBuilder(uri("/v1/items/x"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> slash = send(HttpRequest.newBuilder(uri("/v1/items/x/"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(exact.statusCode()).isEqualTo(201);
        assertThat(LambdaJson.toTree(slash.body()).path("routeKey").asText()).as("only the greedy route takes it")
                .isEqualTo("ANY /v1/{proxy+}");
    }

    @Test
    void shouldRouteAndBuildThePayloadFromARealRequest() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/items/a%20b?x=1&x=2"))
                .header("Content-Type", "application/json")
                .header("Cookie", "sid=abc; theme=dark")
                .header("X-Forwarded-For", "198.51.100.7, 10.0.0.1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("X-Table")).contains("t-http-Items");
        assertThat(response.headers().allValues("Set-Cookie")).containsExactly("seen=1; Path=/; HttpOnly");
        JsonNode echo = LambdaJson.toTree(response.body());
        assertThat(echo.path("routeKey").asText()).isEqualTo("POST /v1/items/{itemId}");
        assertThat(echo.at("/pathParameters/itemId").asText()).isEqualTo("a b");
        assertThat(echo.at("/query/x").asText()).isEqualTo("1,2");
        assertThat(echo.path("cookies").toString()).isEqualTo("[\"sid=abc\",\"theme=dark\"]");
        assertThat(echo.path("sourceIp").asText()).as("first X-Forwarded-For hop, as configured").isEqualTo("198.51.100.7");
        assertThat(echo.path("body").asText()).isEqualTo("{\"n\":1}");
        assertThat(echo.path("stage").asText()).isEqualTo("dev");
        assertThat(echo.path("functionName").asText()).isEqualTo("t-http-Api");
        assertThat(echo.path("remainingMs").asInt()).isBetween(1, 3_000);
    }

    @Test
    void shouldFallBackToTheGreedyRouteAndPassBinaryBodiesAsBase64() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v1/items/x/upload"))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})));

        JsonNode echo = LambdaJson.toTree(response.body());
        assertThat(echo.path("routeKey").asText()).isEqualTo("ANY /v1/{proxy+}");
        assertThat(echo.at("/pathParameters/proxy").asText()).isEqualTo("items/x/upload");
        assertThat(echo.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(echo.path("body").asText()).isEqualTo("AQID");
    }

    @Test
    void shouldDecodeBase64ResponseBodies() throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri("/v1/binary")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsExactly(0, 1, 2, 255);
    }

    @Test
    void shouldAnswerLikeApiGatewayWhenNoFunctionResponds() throws Exception {
        HttpResponse<String> notFound = send(HttpRequest.newBuilder(uri("/v2/nothing")).GET());
        HttpResponse<String> failed = send(HttpRequest.newBuilder(uri("/v1/boom")).GET());
        HttpResponse<String> tooLarge = send(HttpRequest.newBuilder(uri("/v1/items/big"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[HttpApiServer.MAX_BODY_BYTES + 1])));

        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.body()).isEqualTo("{\"message\":\"Internal Server Error\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(TestHandlers.Http.INSTANCES).as("one warm instance for all requests").hasValue(1);
    }

    @Test
    void malformedPercentEncodingShouldGetA400_overTheSocketAndInProcess() throws Exception {
        for (String target : new String[] {"/v1/items/x?token=%zz", "/v1/items/x?key=%", "/v1/items/%zz"}) {
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                    stack.httpBaseUri().getPort())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).as(target).startsWith("HTTP/1.1 400");
            }
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : null;
            HttpApiEvents.HttpResult inProcess = stack.dispatch(new HttpApiEvents.RawRequest("POST", path, query,
                    java.util.List.of(java.util.Map.entry("content-type", "application/json")),
                    "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "192.0.2.1", java.time.Instant.now()));
            assertThat(inProcess.status()).as(target).isEqualTo(400);
            assertThat(new String(inProcess.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("{\"message\":\"Bad Request\"}");
        }
    }

    @Test
    void shouldTriggerScheduledFunctionsOnDemand() {
        int before = TestHandlers.DescribeSchedule.CALLS.get();

        Object output = stack.triggerSchedule("Ticker");

        assertThat(output).asString().startsWith("Scheduled Event|aws.events|true|[arn:aws:events:eu-west-1:000000000000:rule/");
        assertThat(TestHandlers.DescribeSchedule.CALLS.get()).isEqualTo(before + 1);
        assertThat(stack.eventSourceDescriptions()).contains("Ticker.Every5: rate(5 minutes)");
    }

    private static URI uri(String path) {
        return stack.httpBaseUri().resolve(path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
