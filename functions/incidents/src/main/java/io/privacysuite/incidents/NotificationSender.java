package io.privacysuite.incidents;

import io.privacysuite.notify.Notification;
import java.util.List;

/** Puts notifications on the notifications queue (the notifier sends each id once: its send ledger). */
public interface NotificationSender {
    void send(Notification notification);

    /** Several at once (up to ten per queue call); all are queued or this throws. */
    default void sendAll(List<Notification> notifications) {
        notifications.forEach(this::send);
    }
}
