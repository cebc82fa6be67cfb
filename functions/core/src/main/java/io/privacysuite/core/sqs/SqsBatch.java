package io.privacysuite.core.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Consumes an SQS batch one message at a time and answers with only the messages to deliver again (the event source's
 * {@code ReportBatchItemFailures}): a message whose handler asks for a retry or throws is reported, the others are
 * acknowledged, so one bad message never makes SQS redeliver the whole batch.
 */
public final class SqsBatch {
    /** What became of one message. */
    public enum Result {
        /** Handled, or deliberately dropped: acknowledge it. */
        DONE,
        /** Deliver it again (after its visibility timeout, which the handler may have set). */
        RETRY
    }

    @FunctionalInterface
    public interface MessageHandler {
        Result handle(SQSEvent.SQSMessage message);
    }

    private SqsBatch() {}

    /**
     * Runs {@code handler} on each message of the batch (none for an empty or absent one). A handler that throws has
     * its message retried, after {@code onFailure} saw it (to log it; messages and exceptions may echo personal data,
     * so say what failed, not what it said).
     */
    public static SQSBatchResponse process(SQSEvent event, MessageHandler handler,
                                           BiConsumer<SQSEvent.SQSMessage, RuntimeException> onFailure) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : messages(event)) {
            Result result;
            try {
                result = handler.handle(message);
            } catch (RuntimeException e) {
                onFailure.accept(message, e);
                result = Result.RETRY;
            }
            if (result == Result.RETRY) {
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    public static List<SQSEvent.SQSMessage> messages(SQSEvent event) {
        return event == null || event.getRecords() == null ? List.of() : event.getRecords();
    }

    /** A system attribute SQS sets on the message, such as {@code ApproximateReceiveCount}. */
    public static Optional<String> attribute(SQSEvent.SQSMessage message, String name) {
        return Optional.ofNullable(message.getAttributes()).map(a -> a.get(name));
    }

    /** Which delivery of the message this is (1 when SQS does not say). */
    public static int receiveCount(SQSEvent.SQSMessage message) {
        try {
            return attribute(message, "ApproximateReceiveCount").map(Integer::parseInt).orElse(1);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
