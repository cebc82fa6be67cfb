package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Input that other parsers read differently, or that is too big for a store key, is refused before it does harm. */
class StrictInputIT extends IntegrationTest {

    @Test
    void requestsApiShouldRefuseDuplicateKeys_andAnswer404ForOversizedOrOddRequestIds() {
        HttpResponse<String> duplicate = http("POST", "/v1/requests",
                "{\"type\":\"access\",\"email\":\"ann@example.org\",\"email\":\"bob@example.org\",\"siteId\":\"demo-shop\"}");
        assertThat(duplicate.statusCode()).isEqualTo(400);

        String huge = "a".repeat(10_000);
        for (HttpResponse<String> response : List.of(get("/v1/requests/" + huge + "?token=x"),
                get("/v1/requests/" + huge + "/verify?token=x"), get("/v1/requests/not-a-uuid?token=x"),
                get("/v1/requests/not-a-uuid/verify?token=x"))) {
            assertThat(response.statusCode()).isIn(400, 404);
        }
    }

    @Test
    void queueConsumersShouldRefuseAMessageWithADuplicateKey_recordingItUndeliverableOnce_andSendingNothing() {
        String messageId = uniqueId("m-dup");
        String ann = uniqueId("ann") + "@example.org";
        String mallory = uniqueId("mallory") + "@example.org";
        String body = "{\"id\":\"" + uniqueId("dup") + "\",\"kind\":\"transactional\",\"template\":\"request_verify\","
                + "\"locale\":\"en\",\"to\":\"" + ann + "\",\"to\":\"" + mallory + "\",\"data\":{}}";

        JsonNode result = stack.functions().invokeForJson("NotifierFunction", Map.of("Records", List.of(Map.of(
                "messageId", messageId, "body", body, "eventSource", "aws:sqs"))));

        // Never sendable as it stands: acknowledged (no retry into the DLQ), listed for operators, and no email.
        assertThat(result.path("batchItemFailures")).isEmpty();
        JsonNode failed = stack.functions().invokeForJson("RequestsOperatorFunction",
                Map.of("action", "failedNotifications"));
        assertThat(failed.path("notifications").toString()).contains("message:" + messageId);
        assertThat(stack.mailbox().to(ann)).isEmpty();
        assertThat(stack.mailbox().to(mallory)).isEmpty();
    }

    @Test
    void consoleEventsShouldRefuseDuplicateKeys() {
        String event = "{\"action\":\"registerSite\",\"site\":{\"siteId\":\"dup-site\",\"siteId\":\"other-site\","
                + "\"allowedOrigins\":[\"https://dup.example\"],\"bannerVersion\":\"v1\"}}";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stack.functions().invoke("ConsentAdminFunction", event))
                .hasStackTraceContaining("Duplicate field");
    }

    @Test
    void operatorConsoleActionsShouldRefuseOversizedIdsWithAnErrorObject() {
        String huge = "a".repeat(10_000);
        JsonNode export = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "exportConsents",
                "siteId", huge, "from", "2026-11-01", "to", "2026-11-02"));
        assertThat(export.at("/error/status").asInt()).isEqualTo(404);
        JsonNode status = stack.functions().invokeForJson("RequestsOperatorFunction", Map.of("action", "status",
                "requestId", huge));
        assertThat(status.at("/error/status").asInt()).isEqualTo(404);
        JsonNode hold = stack.functions().invokeForJson("RetentionAdminFunction", Map.of("action", "placeLegalHold",
                "scope", "subject", "scopeId", huge, "reason", "test", "placedBy", "it"));
        assertThat(hold.at("/error/status").asInt()).isEqualTo(400);
        JsonNode release = stack.functions().invokeForJson("RetentionAdminFunction", Map.of("action", "releaseLegalHold",
                "holdId", huge, "reason", "test", "releasedBy", "it"));
        assertThat(release.at("/error/status").asInt()).isEqualTo(400);
        assertThat(release.toString().length()).as("the id is not echoed in full").isLessThan(500);
    }
}
