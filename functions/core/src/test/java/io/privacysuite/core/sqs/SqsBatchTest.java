package io.privacysuite.core.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqsBatchTest {
    private static SQSEvent.SQSMessage message(String id, String body, Map<String, String> attributes) {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId(id);
        m.setBody(body);
        m.setAttributes(attributes);
        return m;
    }

    @Test
    void shouldReportOnlyTheMessagesToRetry_andKeepGoingAfterOneThrows() {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message("1", "ok", Map.of()), message("2", "again", Map.of()),
                message("3", "boom", Map.of()), message("4", "ok", Map.of())));
        List<String> seen = new ArrayList<>();
        List<String> failed = new ArrayList<>();

        SQSBatchResponse response = SqsBatch.process(event, m -> {
            seen.add(m.getMessageId());
            return switch (m.getBody()) {
                case "again" -> SqsBatch.Result.RETRY;
                case "boom" -> throw new IllegalStateException("store unreachable");
                default -> SqsBatch.Result.DONE;
            };
        }, (m, e) -> failed.add(m.getMessageId() + ":" + e.getClass().getSimpleName()));

        assertThat(seen).containsExactly("1", "2", "3", "4");
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("2", "3");
        assertThat(failed).containsExactly("3:IllegalStateException");
    }

    @Test
    void shouldAnswerAnEmptyOrAbsentBatchWithNoFailures() {
        assertThat(SqsBatch.process(null, m -> SqsBatch.Result.RETRY, (m, e) -> { }).getBatchItemFailures()).isEmpty();
        assertThat(SqsBatch.process(new SQSEvent(), m -> SqsBatch.Result.RETRY, (m, e) -> { }).getBatchItemFailures())
                .isEmpty();
    }

    @Test
    void shouldReadTheDeliveryCount_defaultingToTheFirst() {
        assertThat(SqsBatch.receiveCount(message("1", "", Map.of("ApproximateReceiveCount", "4")))).isEqualTo(4);
        assertThat(SqsBatch.receiveCount(message("1", "", null))).isEqualTo(1);
        assertThat(SqsBatch.receiveCount(message("1", "", Map.of("ApproximateReceiveCount", "x")))).isEqualTo(1);
    }
}
