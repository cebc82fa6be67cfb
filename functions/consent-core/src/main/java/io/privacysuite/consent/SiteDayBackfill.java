package io.privacysuite.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Gives items written before the sharded site-day index their shard key: a Scan for items with the old
 * {@code gsi1pk} and no {@code gsi2pk}, each updated with {@code gsi2pk = gsi1pk#shard(consentId)} (what a new write
 * carries). Idempotent (the value is derived, so a repeat writes the same) and resumable (a run stops after about
 * {@code maxItems} scanned items and hands back where the Scan stood); several runs may split the table by
 * {@code segment}/{@code totalSegments}. An item TTL deleted meanwhile is not brought back (the update requires it to
 * exist). Only key plumbing changes: the record and its signed key stay as they are.
 */
public final class SiteDayBackfill {
    static final int PAGE = 500;

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;

    public SiteDayBackfill(DynamoDbClient dynamo, String table, int shards) {
        this.dynamo = dynamo;
        this.table = table;
        this.shards = shards;
    }

    /** Where a run starts: the Scan's position ({@code null} for the start), its segment, and how far to go. */
    public record Run(Map<String, AttributeValue> start, int segment, int totalSegments, int maxItems) {}

    /** What a run did; {@code next} is where to go on, null when the segment is done. */
    public record Outcome(int scanned, int updated, int gone, Map<String, AttributeValue> next) {}

    public Outcome run(Run run) {
        int scanned = 0;
        int updated = 0;
        int gone = 0;
        Map<String, AttributeValue> start = run.start();
        do {
            ScanRequest.Builder scan = ScanRequest.builder().tableName(table)
                    .limit(Math.min(PAGE, run.maxItems() - scanned))
                    .filterExpression("attribute_exists(#old) AND attribute_exists(#id) AND attribute_not_exists(#new)")
                    .projectionExpression("#pk, #sk, #old, #id")
                    .expressionAttributeNames(Map.of("#old", ConsentsTable.LEGACY_SITE_DAY_PK,
                            "#new", ConsentsTable.SITE_DAY_PK, "#pk", ConsentsTable.PK, "#sk", ConsentsTable.SK,
                            "#id", ConsentsTable.CONSENT_ID))
                    .exclusiveStartKey(start);
            if (run.totalSegments() > 1) {
                scan.segment(run.segment()).totalSegments(run.totalSegments());
            }
            ScanResponse page = dynamo.scan(scan.build());
            scanned += page.scannedCount();
            List<Boolean> done = SiteDayIndex.inParallel(new ArrayList<>(page.items()), this::giveShard);
            for (boolean written : done) {
                if (written) {
                    updated++;
                } else {
                    gone++;
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && scanned < run.maxItems());
        return new Outcome(scanned, updated, gone, start);
    }

    /** Sets the item's shard key; false when the item is gone (TTL or an erasure got there first). */
    private boolean giveShard(Map<String, AttributeValue> item) {
        String shardKey = ConsentsTable.siteDayShard(item.get(ConsentsTable.LEGACY_SITE_DAY_PK).s(),
                ConsentsTable.shardOf(item.get(ConsentsTable.CONSENT_ID).s(), shards));
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(ConsentsTable.PK, item.get(ConsentsTable.PK), ConsentsTable.SK, item.get(ConsentsTable.SK)))
                    .updateExpression("SET #new = :v")
                    .conditionExpression("attribute_exists(#pk)")
                    .expressionAttributeNames(Map.of("#new", ConsentsTable.SITE_DAY_PK, "#pk", ConsentsTable.PK))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(shardKey))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
