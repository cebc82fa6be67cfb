package io.privacysuite.local;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping: receives batches, invokes the function with an {@link SQSEvent}, deletes what succeeded.
 * With {@code ReportBatchItemFailures} only the messages named in {@code batchItemFailures} stay; without it an
 * exception leaves the whole batch, which SQS redelivers after the visibility timeout (and redrives to the DLQ after
 * maxReceiveCount).
 */
final class SqsPoller extends PollerThread {
    private static final LocalLog LOG = LocalLog.get(SqsPoller.class);

    private final String label;
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final int batchSize;
    private final boolean reportBatchItemFailures;
    private final String region;
    private final FunctionInvoker invoker;

    SqsPoller(String label, SqsClient sqs, String queueUrl, String queueArn, int batchSize, boolean reportBatchItemFailures,
              String region, FunctionInvoker invoker) {
        super("sqs-poller-" + label);
        this.label = label;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.batchSize = Math.max(1, batchSize);
        this.reportBatchItemFailures = reportBatchItemFailures;
        this.region = region;
        this.invoker = invoker;
    }

    @Override
    boolean pollOnce() {
        List<Message> messages = new ArrayList<>();
        // SQS hands out at most 10 per call; larger BatchSizes are filled with further short receives.
        while (messages.size() < batchSize && running()) {
            int wait = messages.isEmpty() ? 1 : 0;
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                    .maxNumberOfMessages(Math.min(10, batchSize - messages.size()))
                    .waitTimeSeconds(wait)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            messages.addAll(got);
            if (got.isEmpty()) {
                break;
            }
        }
        if (messages.isEmpty()) {
            return true; // the long poll already waited
        }
        Set<String> failed = invoke(messages);
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                done.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(done.size())).receiptHandle(m.receiptHandle()).build());
            }
        }
        for (int i = 0; i < done.size(); i += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = done.subList(i, Math.min(done.size(), i + 10));
            sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
        }
        LOG.debug("%s: %d message(s), %d failed", label, messages.size(), failed.size());
        return true;
    }

    /** The ids of messages that must stay on the queue. */
    private Set<String> invoke(List<Message> messages) {
        Set<String> all = new HashSet<>();
        messages.forEach(m -> all.add(m.messageId()));
        Object output;
        try {
            output = invoker.invoke(event(messages));
        } catch (RuntimeException e) {
            LOG.warn("%s failed; %d message(s) return to the queue: %s", label, messages.size(),
                    LocalLog.describe(e.getCause() == null ? e : e.getCause()));
            return all;
        }
        if (!reportBatchItemFailures) {
            return Set.of();
        }
        return failedItems(output, all);
    }

    /**
     * Reads {@code batchItemFailures}; like Lambda, an entry with a missing or unknown id fails the whole batch.
     * Shared with the stream poller, where ids are sequence numbers.
     */
    static Set<String> failedItems(Object output, Set<String> batchIds) {
        JsonNode json = LambdaJson.toTree(output);
        JsonNode failures = json == null ? null : json.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Set.of();
        }
        if (!failures.isArray()) {
            return batchIds;
        }
        Set<String> failed = new HashSet<>();
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || id.asText().isBlank() || !batchIds.contains(id.asText())) {
                return batchIds;
            }
            failed.add(id.asText());
        }
        return failed;
    }

    private SQSEvent event(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setMd5OfBody(m.md5OfBody());
            record.setMd5OfMessageAttributes(m.md5OfMessageAttributes());
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> messageAttributes.put(k, attribute(v)));
            record.setMessageAttributes(messageAttributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion(region);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static SQSEvent.MessageAttribute attribute(MessageAttributeValue v) {
        SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
        a.setDataType(v.dataType());
        a.setStringValue(v.stringValue());
        if (v.binaryValue() != null) {
            a.setBinaryValue(v.binaryValue().asByteBuffer());
        }
        a.setStringListValues(v.hasStringListValues() ? v.stringListValues() : List.of());
        a.setBinaryListValues(v.hasBinaryListValues()
                ? v.binaryListValues().stream().map(b -> b.asByteBuffer()).toList() : List.of());
        return a;
    }
}
