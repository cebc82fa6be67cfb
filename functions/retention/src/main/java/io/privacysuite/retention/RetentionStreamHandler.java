package io.privacysuite.retention;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb.DynamodbAttributeValueTransformer;
import io.privacysuite.core.Env;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes TTL deletions from the consents, sites and accounts streams. The template's FilterCriteria already
 * passes only records whose userIdentity is DynamoDB's TTL service; records that are not (a misconfigured
 * mapping) are skipped here too, so a client's own delete never gets a TTL receipt. Returns the first failed
 * record's sequence number so Lambda retries from there (with bisection); everything before it is done.
 */
public final class RetentionStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    static final String TTL_PRINCIPAL = "dynamodb.amazonaws.com";
    private final RetentionEngine engine;
    private final Metrics metrics;

    public RetentionStreamHandler() {
        this(Env.system());
    }

    public RetentionStreamHandler(Env env) {
        this(RetentionServices.from(env), Metrics.from(env));
    }

    public RetentionStreamHandler(RetentionServices services) {
        this(services, Metrics.from(Env.of(java.util.Map.of())));
    }

    public RetentionStreamHandler(RetentionServices services, Metrics metrics) {
        this.engine = services.engine();
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        Log log = Log.of(context);
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null
                ? List.of() : event.getRecords();
        List<TtlDeletion> deletions = new ArrayList<>();
        List<String> sequenceNumbers = new ArrayList<>();
        int skipped = 0;
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            if (!isTtlDeletion(record)) {
                skipped++;
                continue;
            }
            var stream = record.getDynamodb();
            Instant deletedAt = stream.getApproximateCreationDateTime() == null ? Instant.now()
                    : stream.getApproximateCreationDateTime().toInstant();
            deletions.add(new TtlDeletion(engine.tables().sourceOf(record.getEventSourceARN()),
                    stream.getSequenceNumber(),
                    DynamodbAttributeValueTransformer.toAttributeValueMapV2(stream.getOldImage()), deletedAt));
            sequenceNumbers.add(stream.getSequenceNumber());
        }
        RetentionEngine.TtlOutcome outcome = engine.onTtlDeletions(deletions);
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        if (!outcome.failed().isEmpty()) {
            int first = outcome.failed().stream().mapToInt(Integer::intValue).min().orElseThrow();
            failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumbers.get(first)));
        }
        java.util.Map<Metrics.Name, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put(Metrics.Name.TtlDeletions, deletions.size());
        counts.put(Metrics.Name.DeletionReceipts, outcome.receipts());
        metrics.emit(counts);
        log.info("ttl_batch_done", "records", records.size(), "receipts", outcome.receipts(),
                "cascaded", outcome.cascaded(), "restoredUnderHold", outcome.restoredUnderHold(),
                "skippedNotTtl", skipped, "failed", outcome.failed().size());
        return new StreamsEventResponse(failures);
    }

    static boolean isTtlDeletion(DynamodbEvent.DynamodbStreamRecord record) {
        Identity identity = record.getUserIdentity();
        return "REMOVE".equals(record.getEventName()) && identity != null && "Service".equals(identity.getType())
                && TTL_PRINCIPAL.equals(identity.getPrincipalId()) && record.getDynamodb() != null
                && record.getDynamodb().getOldImage() != null;
    }
}
