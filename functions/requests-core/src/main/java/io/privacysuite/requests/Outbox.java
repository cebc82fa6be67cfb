package io.privacysuite.requests;

import io.privacysuite.notify.Notification;

/** Where the requests' messages go: emails to the notifier, verified requests to the processor (at least once). */
public interface Outbox {
    void notify(Notification notification);

    void process(ProcessingMessage message);
}
