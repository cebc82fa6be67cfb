package io.privacysuite.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.local.runtime.FunctionInvoker;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.runtime.LocalLog;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping: receives batches, invokes the function with an SQS event, deletes what succeeded.
 * With {@code ReportBatchItemFailures} only the messages named in {@code batchItemFailures} stay; without it an
 * exception leaves the whole batch, which SQS redelivers after the visibility timeout (and redrives to the DLQ after
 * maxReceiveCount).
 */
final class SqsPoller extends PollerThread {
    private static final LocalLog LOG = LocalLog.get(SqsPoller.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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

    /** The event exactly as Lambda's SQS integration sends it (its JSON names: Records, eventSourceARN, ...). */
    private ObjectNode event(List<Message> messages) {
        ObjectNode event = NODES.objectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            m.messageAttributes().forEach((k, v) -> messageAttributes.set(k, attribute(v)));
            r.put("md5OfBody", m.md5OfBody());
            if (m.md5OfMessageAttributes() != null) {
                r.put("md5OfMessageAttributes", m.md5OfMessageAttributes());
            }
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return event;
    }

    private static ObjectNode attribute(MessageAttributeValue v) {
        ObjectNode a = NODES.objectNode();
        if (v.stringValue() != null) {
            a.put("stringValue", v.stringValue());
        }
        if (v.binaryValue() != null) {
            a.put("binaryValue", Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
        }
        ArrayNode strings = a.putArray("stringListValues");
        if (v.hasStringListValues()) {
            v.stringListValues().forEach(strings::add);
        }
        ArrayNode binaries = a.putArray("binaryListValues");
        if (v.hasBinaryListValues()) {
            v.binaryListValues().forEach(b -> binaries.add(Base64.getEncoder().encodeToString(b.asByteArray())));
        }
        a.put("dataType", v.dataType());
        return a;
    }
}
