package io.privacysuite.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.api.HttpRoute;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The project's own template with emulators owned by the stack: what {@code Main} runs. */
class LocalSuiteTest {
    @Test
    void shouldStartTheProjectTemplateAndStopWithinTwoSeconds() throws Exception {
        LocalSuite stack = LocalSuite.start(LocalSuiteOptions.defaults());
        Duration closeTime;
        try {
            System.err.println("local suite start-up: " + stack.startupTime().toMillis() + " ms, emulators "
                    + stack.embeddedEmulators().orElseThrow().startupTimes());
            assertThat(stack.resources().tables()).containsEntry("SitesTable", "ps-local-SitesTable")
                    .containsEntry("ConsentsTable", "ps-local-ConsentsTable");
            assertThat(stack.routes()).extracting(HttpRoute::routeKey).contains("POST /v1/sites/{siteId}/consents",
                    "OPTIONS /v1/sites/{siteId}/{proxy+}");
            assertThat(stack.env("ConsentApiFunction").asMap()).containsEntry("CONSENTS_TABLE", "ps-local-ConsentsTable")
                    .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", stack.endpoints().dynamodb().toString());
            assertThat(stack.awsClients().dynamoDb().listTables().tableNames()).contains("ps-local-ConsentsTable");
            HttpResponse<String> unknown = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(stack.httpBaseUri().resolve("/nothing-here")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
        } finally {
            long begin = System.nanoTime();
            stack.close();
            closeTime = Duration.ofNanos(System.nanoTime() - begin);
            System.err.println("local suite close: " + closeTime.toMillis() + " ms");
        }
        assertThat(closeTime).isLessThan(Duration.ofSeconds(2));
    }
}
