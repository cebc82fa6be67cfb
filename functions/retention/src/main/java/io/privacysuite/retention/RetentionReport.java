package io.privacysuite.retention;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** The operator's view: what expires soon per category, what is overdue or held, and the receipts of a period. */
public final class RetentionReport {
    static final int MAX_DAYS = 3660;
    static final int MAX_RECEIPT_DAYS = 366;
    private final DynamoDbClient dynamo;
    private final RetentionEngine engine;

    public RetentionReport(DynamoDbClient dynamo, RetentionEngine engine) {
        this.dynamo = dynamo;
        this.engine = engine;
    }

    /** Counts per category: expiring within {@code days}, already overdue (awaiting TTL), parked by holds. */
    public ObjectNode expiring(int days, Instant now) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be 1.." + MAX_DAYS);
        }
        long nowS = now.getEpochSecond();
        long until = now.plus(Duration.ofDays(days)).getEpochSecond();
        Map<String, long[]> counts = new TreeMap<>();
        for (DataCategory c : DataCategory.values()) {
            counts.put(c.wire(), new long[3]);
        }
        for (Source source : Source.values()) {
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> exclusive = start;
                ScanResponse page = dynamo.scan(s -> s.tableName(engine.tables().physical(source))
                        .filterExpression("attribute_exists(#ttl) OR attribute_exists(#held)")
                        .projectionExpression("#key, #cat, #ttl, #held")
                        .expressionAttributeNames(Map.of("#key", source.hashKey(),
                                "#cat", RetentionPolicy.CATEGORY_ATTRIBUTE, "#ttl", RetentionPolicy.TTL_ATTRIBUTE,
                                "#held", RetentionPolicy.HELD_TTL_ATTRIBUTE))
                        .exclusiveStartKey(exclusive));
                for (Map<String, AttributeValue> item : page.items()) {
                    StoredItem stored = new StoredItem(source, item);
                    long[] c = counts.get(stored.category().wire());
                    if (stored.isParked()) {
                        c[2]++;
                    } else {
                        long ttl = Long.parseLong(item.get(RetentionPolicy.TTL_ATTRIBUTE).n());
                        if (ttl <= nowS) {
                            c[1]++;
                        } else if (ttl <= until) {
                            c[0]++;
                        }
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        }
        ObjectNode out = Json.object();
        out.put("asOf", now.toString());
        out.put("days", days);
        out.put("until", Instant.ofEpochSecond(until).toString());
        ObjectNode categories = out.putObject("categories");
        counts.forEach((category, c) -> {
            ObjectNode node = categories.putObject(category);
            node.put("expiringWithinDays", c[0]);
            node.put("overdueAwaitingDeletion", c[1]);
            node.put("heldByLegalHold", c[2]);
        });
        return out;
    }

    /** Receipts deleted between two UTC dates (inclusive): totals per category and cause, and the first {@code limit}. */
    public ObjectNode receipts(LocalDate from, LocalDate to, int limit) {
        if (to.isBefore(from) || to.toEpochDay() - from.toEpochDay() >= MAX_RECEIPT_DAYS) {
            throw new IllegalArgumentException("to must be on or after from, at most " + MAX_RECEIPT_DAYS + " days later");
        }
        if (limit < 0 || limit > 5000) {
            throw new IllegalArgumentException("limit must be 0..5000");
        }
        Map<String, Map<String, Integer>> totals = new TreeMap<>();
        int[] total = {0};
        var page = engine.receipts().between(from, to, limit, r -> {
            total[0]++;
            totals.computeIfAbsent(r.category().wire(), k -> new TreeMap<>()).merge(r.cause().wire(), 1, Integer::sum);
        });
        ObjectNode out = Json.object();
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("total", total[0]);
        ObjectNode byCategory = out.putObject("byCategory");
        totals.forEach((category, causes) -> {
            ObjectNode node = byCategory.putObject(category);
            causes.forEach(node::put);
        });
        ArrayNode list = out.putArray("receipts");
        for (Receipt r : page) {
            ObjectNode node = list.addObject();
            node.put("receiptId", r.receiptId());
            node.put("table", r.table());
            node.put("category", r.category().wire());
            node.put("keyHash", r.keyHash());
            node.put("rule", r.rule());
            node.put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString());
            node.put("deletedAt", r.deletedAt().toString());
            node.put("cause", r.cause().wire());
            if (r.cascadeOf() != null) {
                node.put("cascadeOf", r.cascadeOf());
            }
        }
        out.put("truncated", total[0] > page.size());
        return out;
    }
}
