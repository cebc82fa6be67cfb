package io.privacysuite.local.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.local.runtime.FunctionInvoker;
import io.privacysuite.local.runtime.LocalLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamDescription;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A DynamoDB stream event source mapping: reads every shard in order, drops records the filter criteria reject,
 * invokes the function with Lambda-shaped records and handles failures as Lambda does - partial batch responses
 * resume from the first failed record, thrown errors bisect the batch when enabled, and after MaximumRetryAttempts a
 * failure record goes to the OnFailure SQS destination and the shard moves on.
 */
final class DynamoDbStreamPoller extends PollerThread {
    private static final LocalLog LOG = LocalLog.get(DynamoDbStreamPoller.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long SHARD_REFRESH_MILLIS = 1_000;

    /** The mapping's settings, resolved from the template event. */
    record Config(String streamArn, ShardIteratorType startingPosition, int batchSize, EventFilter filter,
                  boolean reportBatchItemFailures, int maximumRetryAttempts, boolean bisectOnError,
                  Optional<String> onFailureQueueUrl, String functionArn) {}

    private final String label;
    private final DynamoDbStreamsClient streams;
    private final SqsClient sqs;
    private final Config config;
    private final String region;
    private final FunctionInvoker invoker;
    private final Map<String, String> iterators = new LinkedHashMap<>();
    private final Map<String, String> lastSequence = new HashMap<>();
    private final Set<String> finished = new HashSet<>();
    private long lastShardRefresh;

    DynamoDbStreamPoller(String label, DynamoDbStreamsClient streams, SqsClient sqs, Config config, String region,
                         FunctionInvoker invoker) {
        super("stream-poller-" + label);
        this.label = label;
        this.streams = streams;
        this.sqs = sqs;
        this.config = config;
        this.region = region;
        this.invoker = invoker;
        // Take the starting iterators now, before start() returns, so LATEST means "after the stack came up".
        refreshShards(config.startingPosition());
    }

    @Override
    boolean pollOnce() {
        if (System.currentTimeMillis() - lastShardRefresh > SHARD_REFRESH_MILLIS) {
            refreshShards(ShardIteratorType.TRIM_HORIZON); // shards appearing later are read from their start
        }
        boolean sawRecords = false;
        for (String shardId : new ArrayList<>(iterators.keySet())) {
            if (!running()) {
                return true;
            }
            GetRecordsResponse response;
            try {
                response = streams.getRecords(b -> b.shardIterator(iterators.get(shardId)).limit(Math.min(config.batchSize(), 1000)));
            } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
                iterators.put(shardId, resumeIterator(shardId));
                continue;
            }
            List<Record> records = response.records();
            if (!records.isEmpty()) {
                sawRecords = true;
                process(shardId, records);
                lastSequence.put(shardId, records.get(records.size() - 1).dynamodb().sequenceNumber());
            }
            if (response.nextShardIterator() == null) {
                iterators.remove(shardId);
                finished.add(shardId);
            } else {
                iterators.put(shardId, response.nextShardIterator());
            }
        }
        return sawRecords;
    }

    private void refreshShards(ShardIteratorType positionForNewShards) {
        lastShardRefresh = System.currentTimeMillis();
        List<Shard> shards = new ArrayList<>();
        String start = null;
        do {
            String exclusiveStart = start;
            StreamDescription description = streams.describeStream(b -> b.streamArn(config.streamArn())
                    .exclusiveStartShardId(exclusiveStart)).streamDescription();
            shards.addAll(description.shards());
            start = description.lastEvaluatedShardId();
        } while (start != null);
        for (Shard shard : shards) {
            String id = shard.shardId();
            if (iterators.containsKey(id) || finished.contains(id)) {
                continue;
            }
            String parent = shard.parentShardId();
            if (parent != null && iterators.containsKey(parent)) {
                continue; // a child waits until its parent is read to the end, keeping per-key order
            }
            iterators.put(id, streams.getShardIterator(b -> b.streamArn(config.streamArn()).shardId(id)
                    .shardIteratorType(positionForNewShards)).shardIterator());
        }
    }

    private String resumeIterator(String shardId) {
        String after = lastSequence.get(shardId);
        return streams.getShardIterator(b -> {
            b.streamArn(config.streamArn()).shardId(shardId);
            if (after == null) {
                b.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                b.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
            }
        }).shardIterator();
    }

    private void process(String shardId, List<Record> records) {
        List<ObjectNode> batch = new ArrayList<>();
        for (Record record : records) {
            ObjectNode json = DynamodbEvents.lambdaRecord(record, config.streamArn(), region);
            if (config.filter().matches(json)) {
                batch.add(json);
            }
        }
        if (!batch.isEmpty()) {
            deliver(shardId, batch);
        }
    }

    /** Invokes until the batch succeeds or its retries are used up. */
    private void deliver(String shardId, List<ObjectNode> batch) {
        List<ObjectNode> pending = batch;
        int attempts = 0;
        while (running()) {
            attempts++;
            Outcome outcome = attempt(pending);
            if (outcome.succeeded()) {
                return;
            }
            if (outcome.error() && config.bisectOnError() && pending.size() > 1) {
                // Splitting does not count as a retry (as on Lambda): each half gets its own attempts.
                int middle = pending.size() / 2;
                deliver(shardId, pending.subList(0, middle));
                deliver(shardId, pending.subList(middle, pending.size()));
                return;
            }
            pending = pending.subList(outcome.firstFailed(), pending.size());
            if (attempts > config.maximumRetryAttempts()) {
                LOG.warn("%s: giving up on %d record(s) of shard %s after %d attempt(s)", label, pending.size(), shardId, attempts);
                sendToOnFailure(shardId, pending, attempts, outcome.error());
                return;
            }
            pause(Math.min(1_000, 100L * attempts));
        }
    }

    private record Outcome(boolean succeeded, boolean error, int firstFailed) {}

    private Outcome attempt(List<ObjectNode> batch) {
        ObjectNode event = NODES.objectNode();
        ArrayNode records = event.putArray("Records");
        batch.forEach(records::add);
        Object output;
        try {
            output = invoker.invoke(event);
        } catch (RuntimeException e) {
            LOG.warn("%s failed on %d record(s): %s", label, batch.size(), LocalLog.describe(e.getCause() == null ? e : e.getCause()));
            return new Outcome(false, true, 0);
        }
        if (!config.reportBatchItemFailures()) {
            return new Outcome(true, false, 0);
        }
        List<String> sequenceNumbers = batch.stream().map(r -> r.path("dynamodb").path("SequenceNumber").asText()).toList();
        Set<String> failed = SqsPoller.failedItems(output, new HashSet<>(sequenceNumbers));
        if (failed.isEmpty()) {
            return new Outcome(true, false, 0);
        }
        for (int i = 0; i < sequenceNumbers.size(); i++) {
            if (failed.contains(sequenceNumbers.get(i))) {
                return new Outcome(false, false, i);
            }
        }
        return new Outcome(false, false, 0);
    }

    /** Lambda's on-failure record for stream sources: where the failed batch was, not its contents. */
    private void sendToOnFailure(String shardId, List<ObjectNode> batch, int attempts, boolean functionError) {
        if (config.onFailureQueueUrl().isEmpty()) {
            return;
        }
        ObjectNode message = NODES.objectNode();
        ObjectNode request = message.putObject("requestContext");
        request.put("requestId", UUID.randomUUID().toString());
        request.put("functionArn", config.functionArn());
        request.put("condition", "RetryAttemptsExhausted");
        request.put("approximateInvokeCount", attempts);
        ObjectNode response = message.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        if (functionError) {
            response.put("functionError", "Unhandled");
        }
        message.put("version", "1.0");
        message.put("timestamp", Instant.now().toString());
        ObjectNode info = message.putObject("DDBStreamBatchInfo");
        JsonNode first = batch.get(0).path("dynamodb");
        JsonNode last = batch.get(batch.size() - 1).path("dynamodb");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", first.path("SequenceNumber").asText());
        info.put("endSequenceNumber", last.path("SequenceNumber").asText());
        info.put("approximateArrivalOfFirstRecord", Instant.ofEpochSecond(first.path("ApproximateCreationDateTime").asLong()).toString());
        info.put("approximateArrivalOfLastRecord", Instant.ofEpochSecond(last.path("ApproximateCreationDateTime").asLong()).toString());
        info.put("batchSize", batch.size());
        info.put("streamArn", config.streamArn());
        String body = message.toString();
        sqs.sendMessage(b -> b.queueUrl(config.onFailureQueueUrl().get()).messageBody(body));
    }
}
