package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.Json;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.SqsOutbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The processor's queue as the outbox uses it, on a queue of the test's own (no function consumes it). */
class SqsOutboxIT extends IntegrationTest {

    @Test
    void shouldHoldADelayedProcessingMessageBackUntilItsDelay_andClampALongerDelayToSqsLimit() throws Exception {
        SqsClient sqs = stack.awsClients().sqs();
        String queue = sqs.createQueue(r -> r.queueName("outbox-delay-" + UUID.randomUUID())).queueUrl();
        try {
            SqsOutbox outbox = new SqsOutbox(sqs, queue, queue);
            ProcessingMessage message = new ProcessingMessage(ProcessingMessage.SCHEMA_VERSION,
                    UUID.randomUUID().toString(), "access", "site-1", "ann@example.org", "hash", "en", Map.of(),
                    List.of(), "2026-11-30T10:00:00Z", "2026-11-30T10:05:00Z", "GDPR", "Europe/Brussels",
                    "2026-12-30", "2026-12-30T22:59:59Z");

            outbox.processLater(message, Duration.ofSeconds(3));
            // Longer than SQS allows (15 minutes): sent with the longest delay instead of being refused.
            outbox.processLater(message, Duration.ofMinutes(20));

            assertThat(sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1)).messages())
                    .as("nothing before the delay").isEmpty();
            List<Message> later = sqs.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(8)
                    .messageAttributeNames("All")).messages();
            assertThat(later).singleElement().satisfies(m -> {
                assertThat(Json.MAPPER.readValue(m.body(), ProcessingMessage.class)).isEqualTo(message);
                assertThat(m.messageAttributes().get("requestType").stringValue()).isEqualTo("access");
            });
            assertThat(sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNamesWithStrings(
                    "ApproximateNumberOfMessagesDelayed")).attributesAsStrings())
                    .containsEntry("ApproximateNumberOfMessagesDelayed", "1");
        } finally {
            sqs.deleteQueue(r -> r.queueUrl(queue));
        }
    }
}
