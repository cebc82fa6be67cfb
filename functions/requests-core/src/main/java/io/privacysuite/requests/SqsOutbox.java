package io.privacysuite.requests;

import io.privacysuite.core.Json;
import io.privacysuite.notify.Notification;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Sends to the notifications and processing queues (URLs from the environment the template sets). */
public final class SqsOutbox implements Outbox {
    /** SQS's longest per-message delay. */
    static final int MAX_DELAY_SECONDS = 900;

    private final SqsClient sqs;
    private final String notificationsQueueUrl;
    private final String processingQueueUrl;

    public SqsOutbox(SqsClient sqs, String notificationsQueueUrl, String processingQueueUrl) {
        this.sqs = sqs;
        this.notificationsQueueUrl = notificationsQueueUrl;
        this.processingQueueUrl = processingQueueUrl;
    }

    @Override
    public void notify(Notification notification) {
        sqs.sendMessage(r -> r.queueUrl(notificationsQueueUrl).messageBody(Json.write(notification))
                .messageAttributes(Map.of("template", text(notification.template()))));
    }

    @Override
    public void process(ProcessingMessage message) {
        processLater(message, Duration.ZERO);
    }

    @Override
    public void processLater(ProcessingMessage message, Duration delay) {
        int seconds = (int) Math.min(MAX_DELAY_SECONDS, Math.max(0, delay.toSeconds()));
        sqs.sendMessage(r -> r.queueUrl(processingQueueUrl).messageBody(Json.write(message)).delaySeconds(seconds)
                .messageAttributes(Map.of("requestType", text(message.type()),
                        "schemaVersion", MessageAttributeValue.builder().dataType("Number")
                                .stringValue(Integer.toString(message.schemaVersion())).build())));
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
