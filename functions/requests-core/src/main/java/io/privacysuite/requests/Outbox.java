package io.privacysuite.requests;

import io.privacysuite.notify.Notification;
import java.time.Duration;

/** Where the requests' messages go: emails to the notifier, verified requests to the processor (at least once). */
public interface Outbox {
    void notify(Notification notification);

    void process(ProcessingMessage message);

    /** Queues {@code message} for the processor, delivered after {@code delay} (at most 15 minutes, SQS's limit). */
    void processLater(ProcessingMessage message, Duration delay);
}
