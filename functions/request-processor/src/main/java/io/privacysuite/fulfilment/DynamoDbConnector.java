package io.privacysuite.fulfilment;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A DynamoDB table of the company's, searched by its key or a GSI on the person's address, address hash or subject
 * id. Items past their TTL count as gone. Erasure deletes items, removes the configured fields (anonymize), or keeps them
 * flagged {@code processingRestricted} with {@code legalBasis}, {@code retainedUntil} and the TTL set to that date.
 */
public final class DynamoDbConnector implements Connector {
    private final DataMap.Source source;
    private final DynamoDbClient dynamo;
    private final ZoneId zone;
    private volatile List<String> primaryKey;

    public DynamoDbConnector(DataMap.Source source, DynamoDbClient dynamo, ZoneId zone) {
        this.source = source;
        this.dynamo = dynamo;
        this.zone = zone;
    }

    @Override
    public DataMap.Source source() {
        return source;
    }

    @Override
    public SourceOutcome collect(Subject subject, Instant now) {
        return SourceOutcome.found(source, items(subject, now).stream().map(Items::plain).toList());
    }

    @Override
    public SourceOutcome erase(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> items = items(subject, now);
        DataMap.Erasure rule = source.erasure();
        int deleted = 0;
        int anonymized = 0;
        List<SourceOutcome.Kept> kept = new ArrayList<>();
        try {
            switch (rule.mode()) {
                case DELETE -> {
                    for (Map<String, AttributeValue> item : items) {
                        dynamo.deleteItem(r -> r.tableName(source.table()).key(keyOf(item)));
                        deleted++;
                    }
                }
                case ANONYMIZE -> {
                    for (Map<String, AttributeValue> item : items) {
                        update(item, anonymizeUpdate(rule.fields(), keyAttributes(), now), null);
                        anonymized++;
                    }
                }
                case RETAIN -> {
                    LocalDate until = rule.retainFor().until(now, zone);
                    for (Map<String, AttributeValue> item : items) {
                        update(item, retainUpdate(rule, until, subject.requestId(), now), null);
                    }
                    if (!items.isEmpty()) {
                        kept.add(new SourceOutcome.Kept(source.category(), items.size(), rule.legalBasis(), until,
                                rule.restrict()));
                    }
                }
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": erase failed", e);
        }
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(), items.size(),
                deleted, anonymized, 0, kept, List.of());
    }

    @Override
    public SourceOutcome rectify(Subject subject, Instant now) {
        Map<String, String> applicable = new LinkedHashMap<>();
        List<String> notApplied = new ArrayList<>();
        subject.changes().forEach((field, value) -> {
            if (source.rectifiable().contains(field) && !keyAttributes().contains(field)) {
                applicable.put(field, value);
            } else {
                notApplied.add(field);
            }
        });
        List<Map<String, AttributeValue>> items = items(subject, now);
        int updated = 0;
        if (!applicable.isEmpty()) {
            Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
            int i = 0;
            for (Map.Entry<String, String> e : applicable.entrySet()) {
                u.set(i++, e.getKey(), AttributeValue.fromS(e.getValue()));
            }
            u.set(i, "rectifiedAt", AttributeValue.fromS(now.toString()));
            try {
                for (Map<String, AttributeValue> item : items) {
                    update(item, u, null);
                    updated++;
                }
            } catch (SdkException e) {
                throw new SourceFailedException(source.id() + ": rectify failed", e);
            }
        }
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(), items.size(), 0, 0,
                updated, List.of(), items.isEmpty() ? List.of() : notApplied);
    }

    @Override
    public SourceOutcome flag(Subject subject, String flag, Instant now) {
        String attribute = "restrict".equals(flag) ? "processingRestricted" : "marketingObjection";
        List<Map<String, AttributeValue>> items = items(subject, now);
        Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
        u.set(0, attribute, AttributeValue.fromBool(true));
        u.set(1, attribute + "Request", AttributeValue.fromS(subject.requestId()));
        try {
            for (Map<String, AttributeValue> item : items) {
                update(item, u, null);
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": flag failed", e);
        }
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(), items.size(), 0, 0,
                items.size(), List.of(), List.of());
    }

    /** The person's items, every page, without those past their TTL. */
    List<Map<String, AttributeValue>> items(Subject subject, Instant now) {
        String key = subject.keyFor(source.lookup());
        if (key == null || key.isBlank()) {
            return List.of();
        }
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        try {
            do {
                QueryRequest.Builder q = QueryRequest.builder().tableName(source.table())
                        .keyConditionExpression("#k = :v")
                        .expressionAttributeNames(Map.of("#k", source.keyAttribute()))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(key)))
                        .exclusiveStartKey(start);
                if (source.index() != null) {
                    q.indexName(source.index());
                }
                QueryResponse page = dynamo.query(q.build());
                for (Map<String, AttributeValue> item : page.items()) {
                    AttributeValue ttl = item.get(source.ttlAttribute());
                    if (ttl == null || ttl.n() == null || !RetentionPolicy.isExpired(Long.parseLong(ttl.n()), now)) {
                        out.add(item);
                    }
                }
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null);
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": query failed", e);
        }
        return out;
    }

    record Update(StringBuilder expression, Map<String, String> names, Map<String, AttributeValue> values) {
        void set(int i, String attribute, AttributeValue value) {
            if (!values.isEmpty()) {
                expression.append(", ");
            }
            expression.append("#a").append(i).append(" = :v").append(i);
            names.put("#a" + i, attribute);
            values.put(":v" + i, value);
        }
    }

    /**
     * {@code SET #a0 = :v0, #a1 = :v1 REMOVE #r0, ...}: the listed fields are removed (a GSI keyed on one of them then
     * no longer finds the item), the item is marked {@code anonymized} with the time. Table key attributes are never
     * touched: a source whose key identifies the person should use {@code delete}.
     */
    static Update anonymizeUpdate(List<String> fields, List<String> keyAttributes, Instant now) {
        Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
        u.set(0, "anonymized", AttributeValue.fromBool(true));
        u.set(1, "anonymizedAt", AttributeValue.fromS(now.toString()));
        List<String> removed = fields.stream().filter(f -> !keyAttributes.contains(f)).toList();
        for (int i = 0; i < removed.size(); i++) {
            u.expression().append(i == 0 ? " REMOVE " : ", ").append("#r").append(i);
            u.names().put("#r" + i, removed.get(i));
        }
        return u;
    }

    Update retainUpdate(DataMap.Erasure rule, LocalDate until, String requestId, Instant now) {
        Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
        u.set(0, "processingRestricted", AttributeValue.fromBool(rule.restrict()));
        u.set(1, "legalBasis", AttributeValue.fromS(rule.legalBasis()));
        u.set(2, "retainedUntil", AttributeValue.fromS(until.toString()));
        u.set(3, "erasureRequest", AttributeValue.fromS(requestId));
        u.set(4, "erasureRequestedAt", AttributeValue.fromS(now.toString()));
        u.set(5, source.ttlAttribute(), AttributeValue.fromN(Long.toString(until.atStartOfDay(zone).toEpochSecond())));
        return u;
    }

    private void update(Map<String, AttributeValue> item, Update u, String condition) {
        dynamo.updateItem(r -> r.tableName(source.table()).key(keyOf(item))
                .updateExpression(u.expression().toString())
                .expressionAttributeNames(u.names()).expressionAttributeValues(u.values())
                .conditionExpression(condition));
    }

    private Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new HashMap<>();
        for (String attribute : keyAttributes()) {
            key.put(attribute, item.get(attribute));
        }
        return key;
    }

    /** The table's primary key attributes (described once per container). */
    List<String> keyAttributes() {
        List<String> key = primaryKey;
        if (key == null) {
            try {
                key = dynamo.describeTable(r -> r.tableName(source.table())).table().keySchema().stream()
                        .map(KeySchemaElement::attributeName).toList();
            } catch (SdkException e) {
                throw new SourceFailedException(source.id() + ": describe table failed", e);
            }
            primaryKey = key;
        }
        return key;
    }
}
