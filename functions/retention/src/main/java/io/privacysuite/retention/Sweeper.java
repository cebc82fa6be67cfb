package io.privacysuite.retention;

import io.privacysuite.core.retention.HoldIndex;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * The backstop for TTL's lag: deletes items whose expiry passed longer ago than the grace, through the same
 * cascade and receipts as the stream. Also finds items left parked by a hold that no longer exists (a release
 * interrupted halfway) and erases them when they are overdue. Scans are paged; a run stops when told to and the
 * next scheduled run carries on (anything missed is still expired next time).
 */
public final class Sweeper {
    private static final int PAGE = 200;
    private final DynamoDbClient dynamo;
    private final RetentionEngine engine;

    public Sweeper(DynamoDbClient dynamo, RetentionEngine engine) {
        this.dynamo = dynamo;
        this.engine = engine;
    }

    public record Result(Map<Source, Integer> erased, int skippedHeld, boolean complete, Instant cutoff) {}

    public Result sweep(Instant now, BooleanSupplier timeLeft) {
        Instant cutoff = now.minus(engine.policy().sweeperGrace());
        HoldIndex index = engine.holds().activeIndex();
        Ownership ownership = engine.ownership();
        Map<Source, Integer> erased = new EnumMap<>(Source.class);
        int held = 0;
        for (Source source : Source.values()) {
            Map<String, AttributeValue> start = null;
            int count = 0;
            do {
                if (!timeLeft.getAsBoolean()) {
                    erased.put(source, count);
                    return new Result(erased, held, false, cutoff);
                }
                Map<String, AttributeValue> exclusive = start;
                ScanResponse page = dynamo.scan(s -> s.tableName(engine.tables().physical(source)).limit(PAGE)
                        .filterExpression("#ttl < :cutoff OR #held < :cutoff")
                        .expressionAttributeNames(Map.of("#ttl", RetentionPolicy.TTL_ATTRIBUTE,
                                "#held", RetentionPolicy.HELD_TTL_ATTRIBUTE))
                        .expressionAttributeValues(Map.of(":cutoff",
                                AttributeValue.fromN(Long.toString(cutoff.getEpochSecond()))))
                        .exclusiveStartKey(exclusive));
                List<StoredItem> overdue = new ArrayList<>();
                for (Map<String, AttributeValue> item : page.items()) {
                    StoredItem stored = new StoredItem(source, item);
                    if (ownership.isHeld(index, stored)) {
                        held++;
                    } else {
                        overdue.add(stored);
                    }
                }
                count += engine.eraseExpired(overdue, Cause.SWEEPER, index, ownership, now).erased();
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
            erased.put(source, count);
        }
        return new Result(erased, held, true, cutoff);
    }
}
