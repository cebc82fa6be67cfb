package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.notify.EmailAddresses;
import org.junit.jupiter.api.Test;

/** The sample events in events/ (what operators paste into the Lambda console) work against the local suite. */
class RequestSampleEventsIT extends IntegrationTest {
    static JsonNode invoke(String function, String file) {
        return LambdaJson.toTree(stack.functions().invokeEventFile(function, file));
    }

    @Test
    void operatorSamplesShouldRunOrExplainWhyNot() {
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/status.json").at("/error/code").asText())
                .isEqualTo("not_found");
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/extend.json").at("/error/status").asInt())
                .isEqualTo(404);
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/list-open.json").has("count")).isTrue();
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/suppress-address.json")
                .path("addressHashes").get(0).asText()).isEqualTo(EmailAddresses.hash("bounced@example.org"));
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/suppress-ses-complaint.json")
                .path("suppressed").asInt()).isEqualTo(1);
    }

    @Test
    void schedulerAndNotifierSamplesShouldRun() {
        assertThat(invoke("DeadlineReminderFunction", "events/deadline-reminder/scheduled.json").has("open")).isTrue();
        // A message that can never be sent is recorded as failed once, not retried into the DLQ.
        assertThat(invoke("NotifierFunction", "events/notifier/poison-message.json").path("batchItemFailures")).isEmpty();
        // The sample's request id is not in the table: the processor skips it (acknowledged, nothing done).
        assertThat(invoke("RequestProcessorFunction", "events/request-processor/verified-access-request.json")
                .path("batchItemFailures")).isEmpty();
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/requeue.json").at("/error/code").asText())
                .isEqualTo("not_found");
        // The tests' data map has both sample sources: an audience CSV of whatever addresses they hold.
        assertThat(invoke("DataMapAudienceFunction", "events/request-processor/data-map-audience.json").path("csv")
                .asText()).startsWith("audiences/data-map/breach-2026-11-");
        assertThat(invoke("RequestsOperatorFunction", "events/requests-operator/failed-notifications.json").has("count"))
                .isTrue();
        // The link samples name a request that does not exist: a page saying so, nothing confirmed or redirected.
        JsonNode confirm = invoke("RequestsApiFunction", "events/requests-api/confirm-request.json");
        assertThat(confirm.path("statusCode").asInt()).isEqualTo(404);
        JsonNode download = invoke("RequestsApiFunction", "events/requests-api/download-export.json");
        assertThat(download.path("statusCode").asInt()).isEqualTo(404);
        assertThat(download.path("headers").has("location")).isFalse();
    }

    @Test
    void unsubscribeLinkOpenedInABrowserShouldAskBeforeUnsubscribing() {
        var links = io.privacysuite.notify.UnsubscribeLinks.from(stack.functions().env("RequestsApiFunction"));
        java.net.URI url = java.net.URI.create(links.url(EmailAddresses.hash(uniqueId("r") + "@example.org"), "newsletter"));

        var page = http("GET", url.getRawPath() + "?" + url.getRawQuery(), null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"").contains("Unsubscribe");
        assertThat(http("GET", "/v1/email/unsubscribe?token=nope", null).statusCode()).isEqualTo(400);
    }
}
