package io.privacysuite.fulfilment;

import io.privacysuite.core.Forked;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A DynamoDB table of the company's, searched by its key or a GSI on the person's address, address hash or proven
 * subject ids. Items past their TTL count as gone. Erasure deletes items, removes the configured fields (anonymize), or
 * keeps them flagged {@code processingRestricted} with {@code legalBasis} and {@code retainedUntil}, counted from the
 * item's own date ({@code dateAttribute}), set as its TTL unless that would lengthen the TTL it has or re-arm one a
 * legal hold parked ({@code heldExpiresAt}). Items a legal hold covers are never erased, anonymized or rectified:
 * they are kept, restricted and marked {@code legalHold}. A source with {@code resolvesSubjectIds} also tells which
 * subject ids (e.g. account ids) the verified address owns.
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
    public List<String> resolveSubjectIds(Subject subject, Instant now) {
        if (source.resolvesSubjectIds() == null) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (Map<String, AttributeValue> item : items(subject, now)) {
            AttributeValue v = item.get(source.resolvesSubjectIds());
            String id = v == null ? null : v.s() != null ? v.s() : v.n();
            if (id != null && !id.isBlank() && !ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Override
    public SourceOutcome collect(Subject subject, Instant now) {
        // Page by page: each item becomes its export record, serialized, as its page arrives (the next page is read
        // meanwhile), so no page outlives its records and the files are a copy once the last page is read.
        return SourceOutcome.exported(source, each -> eachItem(subject, now, each), item -> isHeld(item, subject),
                Items::plain, subject.page());
    }

    @Override
    public SourceOutcome erase(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> items = items(subject, now);
        DataMap.Erasure rule = source.erasure();
        int deleted = 0;
        int anonymized = 0;
        int held = 0;
        Map<LocalDate, Integer> retained = new TreeMap<>(java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()));
        try {
            for (Map<String, AttributeValue> item : items) {
                if (isHeld(item, subject)) {
                    update(item, heldUpdate(subject.requestId(), now), null);
                    held++;
                    continue;
                }
                switch (rule.mode()) {
                    case DELETE -> {
                        dynamo.deleteItem(r -> r.tableName(source.table()).key(keyOf(item)));
                        deleted++;
                    }
                    case ANONYMIZE -> {
                        update(item, anonymizeUpdate(rule.fields(), keyAttributes(), now), null);
                        anonymized++;
                    }
                    case RETAIN -> retained.merge(retain(item, rule, subject.requestId(), now), 1, Integer::sum);
                }
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": erase failed", e);
        }
        List<SourceOutcome.Kept> kept = new ArrayList<>();
        if (held > 0) {
            kept.add(new SourceOutcome.Kept(source.category(), held, Holds.LEGAL_BASIS, null, true));
        }
        retained.forEach((until, count) -> kept.add(new SourceOutcome.Kept(source.category(), count, rule.legalBasis(),
                until, rule.restrict())));
        return SourceOutcome.of(source).found(items.size()).deleted(deleted).anonymized(anonymized).held(held)
                .kept(kept).build();
    }

    /**
     * Keeps one item under a retain rule and returns the day it may go. The period counts from the item's own date;
     * the TTL is set to that day unless the item already expires earlier (never lengthened) or a legal hold parked
     * its TTL (never re-armed: the condition refuses the write and the item is restricted without a TTL change).
     * Without a readable date the TTL is left as it is (null: "its own date").
     */
    private LocalDate retain(Map<String, AttributeValue> item, DataMap.Erasure rule, String requestId, Instant now) {
        LocalDate dated = dateOf(item.get(rule.dateAttribute()));
        LocalDate until = dated == null ? null : rule.retainFor().until(dated);
        LocalDate current = epochDay(item.get(source.ttlAttribute()));
        if (until != null && current != null && current.isBefore(until)) {
            until = current;
        }
        boolean parked = item.containsKey(RetentionPolicy.HELD_TTL_ATTRIBUTE);
        if (parked) {
            until = epochDay(item.get(RetentionPolicy.HELD_TTL_ATTRIBUTE));
        }
        Update keep = retainUpdate(rule, until, requestId, now);
        if (until == null || parked) {
            update(item, keep, null);
            return until;
        }
        Update withTtl = retainUpdate(rule, until, requestId, now);
        withTtl.set(keep.values().size(), source.ttlAttribute(),
                AttributeValue.fromN(Long.toString(until.atStartOfDay(zone).toEpochSecond())));
        try {
            update(item, withTtl, "attribute_not_exists(" + RetentionPolicy.HELD_TTL_ATTRIBUTE + ")");
        } catch (ConditionalCheckFailedException e) {
            // A hold parked the TTL meanwhile: keep and restrict, leave the parked expiry alone.
            update(item, keep, null);
        }
        return until;
    }

    /** An ISO date, an ISO instant or epoch seconds, as a date in the legal time zone; null if absent or unreadable. */
    LocalDate dateOf(AttributeValue v) {
        if (v == null) {
            return null;
        }
        if (v.n() != null) {
            return epochDay(v);
        }
        String text = v.s();
        if (text == null) {
            return null;
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text) : LocalDate.ofInstant(Instant.parse(text), zone);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private LocalDate epochDay(AttributeValue v) {
        if (v == null || v.n() == null) {
            return null;
        }
        try {
            return LocalDate.ofInstant(Instant.ofEpochSecond(new java.math.BigDecimal(v.n()).longValue()), zone);
        } catch (ArithmeticException | java.time.DateTimeException e) {
            return null;
        }
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
        int held = 0;
        if (!applicable.isEmpty()) {
            Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
            int i = 0;
            for (Map.Entry<String, String> e : applicable.entrySet()) {
                u.set(i++, e.getKey(), AttributeValue.fromS(e.getValue()));
            }
            u.set(i, "rectifiedAt", AttributeValue.fromS(now.toString()));
            try {
                for (Map<String, AttributeValue> item : items) {
                    if (isHeld(item, subject)) {
                        // Evidence under a legal hold is not changed: operators decide (the fields are routed to them).
                        held++;
                        continue;
                    }
                    update(item, u, null);
                    updated++;
                }
            } catch (SdkException e) {
                throw new SourceFailedException(source.id() + ": rectify failed", e);
            }
            if (held > 0) {
                applicable.keySet().stream().filter(f -> !notApplied.contains(f)).forEach(notApplied::add);
            }
        }
        return SourceOutcome.of(source).found(items.size()).updated(updated).held(held)
                .notApplied(items.isEmpty() ? List.of() : notApplied).build();
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
        return SourceOutcome.of(source).found(items.size()).updated(items.size()).build();
    }

    /** Whether a legal hold covers the item: one on the person, or on the account the item names. */
    private boolean isHeld(Map<String, AttributeValue> item, Subject subject) {
        if (subject.holds().person()) {
            return true;
        }
        if (source.accountAttribute() == null) {
            return false;
        }
        AttributeValue account = item.get(source.accountAttribute());
        return account != null && subject.holds().coversAccount(account.s() != null ? account.s() : account.n());
    }

    static Update heldUpdate(String requestId, Instant now) {
        Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
        u.set(0, "processingRestricted", AttributeValue.fromBool(true));
        u.set(1, "legalHold", AttributeValue.fromBool(true));
        u.set(2, "legalBasis", AttributeValue.fromS(Holds.LEGAL_BASIS));
        u.set(3, "erasureRequest", AttributeValue.fromS(requestId));
        u.set(4, "erasureRequestedAt", AttributeValue.fromS(now.toString()));
        return u;
    }

    /** The person's items, every page, without those past their TTL. */
    List<Map<String, AttributeValue>> items(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        eachItem(subject, now, out::add);
        return out;
    }

    /** Every live item of the person, in Query order, handed over page by page. */
    private void eachItem(Subject subject, Instant now, java.util.function.Consumer<Map<String, AttributeValue>> each) {
        for (String key : subject.keysFor(source.lookup())) {
            if (key != null && !key.isBlank()) {
                eachItem(key, now, each);
            }
        }
    }

    /**
     * Page by page; the next page is asked for (on a virtual thread) as soon as this one names it, so DynamoDB
     * serves it while this page's items are handed over. At most two pages are held at once.
     */
    void eachItem(String key, Instant now, java.util.function.Consumer<Map<String, AttributeValue>> out) {
        QueryResponse page = page(key, null);
        while (page != null) {
            Map<String, AttributeValue> start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                    ? page.lastEvaluatedKey() : null;
            Forked<QueryResponse> next = start == null ? null
                    : Forked.start(Thread.ofVirtual().name("source-page-" + source.id()), () -> page(key, start));
            try {
                for (Map<String, AttributeValue> item : page.items()) {
                    AttributeValue ttl = item.get(source.ttlAttribute());
                    if (ttl == null || ttl.n() == null || !RetentionPolicy.isExpired(Long.parseLong(ttl.n()), now)) {
                        out.accept(item);
                    }
                }
            } catch (RuntimeException e) {
                if (next != null) {
                    next.cancel(); // this read is over: the page asked for ahead is stopped
                }
                throw e;
            }
            page = next == null ? null : awaitPage(next);
        }
    }

    private QueryResponse page(String key, Map<String, AttributeValue> start) {
        QueryRequest.Builder q = QueryRequest.builder().tableName(source.table())
                .keyConditionExpression("#k = :v")
                .expressionAttributeNames(Map.of("#k", source.keyAttribute()))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(key)))
                .exclusiveStartKey(start);
        if (source.index() != null) {
            q.indexName(source.index());
        }
        try {
            return dynamo.query(q.build());
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": query failed", e);
        }
    }

    /**
     * The page asked for ahead, once read (a failing read fails the source as it failed). An interrupt stops the
     * read after that page: its items are not handed over.
     */
    private QueryResponse awaitPage(Forked<QueryResponse> next) {
        QueryResponse page = next.join();
        if (Thread.currentThread().isInterrupted()) {
            throw new SourceFailedException(source.id() + ": query interrupted", null);
        }
        return page;
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

    /** The retain marks (without the TTL): restricted, legal basis, until when (if known), which request. */
    static Update retainUpdate(DataMap.Erasure rule, LocalDate until, String requestId, Instant now) {
        Update u = new Update(new StringBuilder("SET "), new HashMap<>(), new HashMap<>());
        u.set(0, "processingRestricted", AttributeValue.fromBool(rule.restrict()));
        u.set(1, "legalBasis", AttributeValue.fromS(rule.legalBasis()));
        u.set(2, "erasureRequest", AttributeValue.fromS(requestId));
        u.set(3, "erasureRequestedAt", AttributeValue.fromS(now.toString()));
        if (until != null) {
            u.set(4, "retainedUntil", AttributeValue.fromS(until.toString()));
        }
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
