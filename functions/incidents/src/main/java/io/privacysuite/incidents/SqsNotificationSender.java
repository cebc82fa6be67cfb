package io.privacysuite.incidents;

import io.privacysuite.core.Json;
import io.privacysuite.notify.Notification;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** {@link NotificationSender} on the notifications queue; batches of ten, and a batch with a failed entry throws. */
public final class SqsNotificationSender implements NotificationSender {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsNotificationSender(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(Notification notification) {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(Json.write(notification)));
    }

    @Override
    public void sendAll(List<Notification> notifications) {
        for (int from = 0; from < notifications.size(); from += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            List<Notification> chunk = notifications.subList(from, Math.min(from + 10, notifications.size()));
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(Json.write(chunk.get(i))).build());
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (response.hasFailed() && !response.failed().isEmpty()) {
                // The caller's message is retried; the notifier's ledger drops the copies that did get through.
                throw new IllegalStateException(response.failed().size() + " notification(s) not queued");
            }
        }
    }
}
