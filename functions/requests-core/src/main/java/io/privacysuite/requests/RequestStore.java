package io.privacysuite.requests;

import io.privacysuite.core.Ids;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Requests in the requests table: {@code pk = REQ#<id>}, {@code sk = REQUEST}, one item holding the request and
 * its audit trail. Open requests carry {@code openPk = OPEN} and {@code dueEpoch}, so the sparse {@code openByDue}
 * index lists exactly the open work by deadline; {@code bySubject} (hashed address) serves later look-ups of a
 * person's earlier requests. Every write sets the TTL from {@link RetentionPolicy}: 72 h while unverified, then
 * 24 months counted from verification and again from closing. The processor's lease on a request is the item
 * {@code sk = LEASE} in the same partition ({@link #acquireLease}).
 */
public final class RequestStore {
    public static final String OPEN_INDEX = "openByDue";
    public static final String SUBJECT_INDEX = "bySubject";
    static final String SK = "REQUEST";

    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;

    public RequestStore(DynamoDbClient dynamo, String table, RetentionPolicy retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    /** Thrown when a conditional write lost a race; the caller reloads and decides again. */
    public static final class ConcurrentChangeException extends RuntimeException {
        ConcurrentChangeException() {
            super("request changed concurrently", null, false, false);
        }
    }

    /** Thrown when one of the writes that go {@link #create(DsarRequest, Instant, List) alongside} was refused. */
    public static final class AlongsideRefusedException extends RuntimeException {
        private final int index;

        AlongsideRefusedException(int index) {
            super("condition of write " + index + " failed", null, false, false);
            this.index = index;
        }

        /** Which of the alongside writes failed its condition (0-based). */
        public int index() {
            return index;
        }
    }

    /** Stores a new request (version 1); never overwrites. */
    public DsarRequest create(DsarRequest request, Instant now) {
        return create(request, now, List.of());
    }

    /**
     * Stores a new request together with other conditional writes (e.g. rate-limit counters) in one transaction:
     * all happen or none, in a single round trip.
     */
    public DsarRequest create(DsarRequest request, Instant now, List<TransactWriteItem> alongside) {
        DsarRequest stored = withVersion(request, 1);
        if (alongside.isEmpty()) {
            try {
                dynamo.putItem(r -> r.tableName(table).item(toItem(stored, now))
                        .conditionExpression("attribute_not_exists(pk)"));
            } catch (ConditionalCheckFailedException e) {
                throw new ConcurrentChangeException();
            }
            return stored;
        }
        List<TransactWriteItem> items = new ArrayList<>(alongside);
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(toItem(stored, now))
                .conditionExpression("attribute_not_exists(pk)").build()).build());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    if (i == alongside.size()) {
                        throw new ConcurrentChangeException();
                    }
                    throw new AlongsideRefusedException(i);
                }
            }
            throw e;
        }
        return stored;
    }

    /** Replaces a request if nobody changed it since {@code current.version()} was read; returns the stored copy. */
    public DsarRequest update(DsarRequest changed, Instant now) {
        DsarRequest stored = withVersion(changed, changed.version() + 1);
        try {
            dynamo.putItem(r -> r.tableName(table).item(toItem(stored, now))
                    .conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(changed.version())))));
        } catch (ConditionalCheckFailedException e) {
            throw new ConcurrentChangeException();
        }
        return stored;
    }

    /** The request, unless absent or past its TTL (TTL deletion lags; an expired item counts as gone). */
    public Optional<DsarRequest> find(String requestId, Instant now) {
        // Request ids are UUIDs: anything else (a 10,000-character id, control characters) is unknown without a read.
        if (!Ids.isUuid(requestId)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(requestId))).item();
        if (item == null || item.isEmpty() || RetentionPolicy.isExpired(item, now)) {
            return Optional.empty();
        }
        return Optional.of(fromItem(item));
    }

    /**
     * Takes the processing lease of a request: one conditional write of the lease item next to the request
     * ({@code sk = LEASE}), which succeeds only when no other holder's lease is still running. The lease is a separate
     * item because every versioned write replaces the request item whole. Returns empty when taken, else the instant
     * the current holder's lease ends.
     */
    public Optional<Instant> acquireLease(String requestId, String owner, Instant until, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(leaseKey(requestId));
        item.put("entity", s("processing_lease"));
        item.put("owner", s(owner));
        item.put("leaseUntil", n(until.getEpochSecond()));
        item.put(RetentionPolicy.TTL_ATTRIBUTE, n(until.plus(java.time.Duration.ofDays(1)).getEpochSecond()));
        item.put(RetentionPolicy.RULE_ATTRIBUTE, s("processing_lease_1d"));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR leaseUntil <= :now OR #owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":now", n(now.getEpochSecond()), ":owner", s(owner))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(leaseKey(requestId))).item();
            return Optional.of(held == null || !held.containsKey("leaseUntil") ? now
                    : Instant.ofEpochSecond(Long.parseLong(held.get("leaseUntil").n())));
        }
    }

    /** Gives the lease back (only the holder's own; a lease that already ran out and was taken stays with its taker). */
    public void releaseLease(String requestId, String owner) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(leaseKey(requestId))
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":owner", s(owner))));
        } catch (ConditionalCheckFailedException e) {
            // Not ours any more: nothing to give back.
        }
    }

    static Map<String, AttributeValue> leaseKey(String requestId) {
        return Map.of("pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS("LEASE"));
    }

    /** Every open (verified, not closed) request with a due date before {@code dueBefore}, earliest first. */
    public void forEachOpen(Instant dueBefore, Instant now, Consumer<DsarRequest> action) {
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> exclusiveStart = startKey;
            QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(OPEN_INDEX)
                    .keyConditionExpression("openPk = :open AND dueEpoch < :before")
                    .expressionAttributeValues(Map.of(":open", AttributeValue.fromS("OPEN"),
                            ":before", AttributeValue.fromN(Long.toString(dueBefore.getEpochSecond()))))
                    .exclusiveStartKey(exclusiveStart));
            page.items().stream().filter(item -> !RetentionPolicy.isExpired(item, now)).map(RequestStore::fromItem)
                    .forEach(action);
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
    }


    static Map<String, AttributeValue> key(String requestId) {
        return Map.of("pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS(SK));
    }

    private DataCategory category(DsarRequest r) {
        return r.status() == RequestStatus.PENDING_VERIFICATION ? DataCategory.UNVERIFIED_REQUEST : DataCategory.REQUEST_RECORD;
    }

    /** The TTL: unverified requests expire with their link; records are kept 24 months after their last change. */
    Instant expiryOf(DsarRequest r, Instant now) {
        DataCategory category = category(r);
        return category == DataCategory.UNVERIFIED_REQUEST
                ? retention.expiryOf(category, r.receivedAt())
                : retention.expiryOf(category, now);
    }

    Map<String, AttributeValue> toItem(DsarRequest r, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.requestId()));
        item.put("entity", s("dsar_request"));
        item.put("requestId", s(r.requestId()));
        item.put("type", s(r.type().wire()));
        item.put("status", s(r.status().wire()));
        item.put("siteId", s(r.siteId()));
        item.put("email", s(r.email()));
        item.put("emailHash", s(r.emailHash()));
        item.put("locale", s(r.locale()));
        if (!r.details().isEmpty()) {
            Map<String, AttributeValue> details = new LinkedHashMap<>();
            r.details().forEach((k, v) -> details.put(k, s(v)));
            item.put("details", AttributeValue.fromM(details));
        }
        if (!r.consentIds().isEmpty()) {
            item.put("consentIds", AttributeValue.fromL(r.consentIds().stream().map(RequestStore::s).toList()));
        }
        if (!r.subjectIds().isEmpty()) {
            item.put("subjectIds", AttributeValue.fromL(r.subjectIds().stream().map(RequestStore::s).toList()));
        }
        if (!r.ignoredIdentifiers().isEmpty()) {
            item.put("ignoredIdentifiers", AttributeValue.fromL(r.ignoredIdentifiers().stream().map(RequestStore::s).toList()));
        }
        item.put("receivedAt", s(r.receivedAt().toString()));
        Deadline d = r.deadline();
        item.put("regime", s(d.regime().name()));
        item.put("timeZone", s(d.zone().getId()));
        item.put("receivedOn", s(d.receivedOn().toString()));
        if (d.acknowledgeBy() != null) {
            item.put("acknowledgeBy", s(d.acknowledgeBy().toString()));
        }
        item.put("originalDueOn", s(d.originalDueOn().toString()));
        item.put("dueOn", s(d.dueOn().toString()));
        item.put("dueEpoch", n(d.dueAt().getEpochSecond()));
        item.put("extension", n(d.extension()));
        if (d.extensionReason() != null) {
            item.put("extensionReason", s(d.extensionReason()));
        }
        if (r.status().isOpen()) {
            item.put("openPk", s("OPEN"));
        }
        putIfPresent(item, "verifyTokenHash", r.verifyTokenHash());
        putIfPresent(item, "verifyTokenExpiresAt", r.verifyTokenExpiresAt());
        putIfPresent(item, "statusTokenHash", r.statusTokenHash());
        putIfPresent(item, "verifiedAt", r.verifiedAt());
        putIfPresent(item, "closedAt", r.closedAt());
        putIfPresent(item, "closeReason", r.closeReason());
        if (r.closedLate()) {
            item.put("closedLate", AttributeValue.fromBool(true));
        }
        putIfPresent(item, "dispatchedAt", r.dispatchedAt());
        putIfPresent(item, "downloadTokenHash", r.downloadTokenHash());
        putIfPresent(item, "downloadExpiresAt", r.downloadExpiresAt());
        if (!r.remindersSent().isEmpty()) {
            item.put("remindersSent", AttributeValue.fromSs(List.copyOf(r.remindersSent())));
        }
        List<AttributeValue> audit = new ArrayList<>();
        for (AuditEntry e : r.audit()) {
            Map<String, AttributeValue> entry = new LinkedHashMap<>();
            entry.put("at", s(e.at().toString()));
            entry.put("actor", s(e.actor()));
            entry.put("action", s(e.action()));
            entry.put("from", s(e.from()));
            entry.put("to", s(e.to()));
            if (e.why() != null) {
                entry.put("why", s(e.why()));
            }
            audit.add(AttributeValue.fromM(entry));
        }
        item.put("audit", AttributeValue.fromL(audit));
        item.put("version", n(r.version()));
        item.put("updatedAt", s(now.toString()));
        DataCategory category = category(r);
        item.put("dataCategory", s(category.name().toLowerCase(java.util.Locale.ROOT)));
        item.put(RetentionPolicy.TTL_ATTRIBUTE, n(expiryOf(r, now).getEpochSecond()));
        item.put(RetentionPolicy.RULE_ATTRIBUTE, s(retention.ruleName(category)));
        return item;
    }

    static DsarRequest fromItem(Map<String, AttributeValue> item) {
        Map<String, String> details = new LinkedHashMap<>();
        if (item.containsKey("details")) {
            item.get("details").m().forEach((k, v) -> details.put(k, v.s()));
        }
        List<String> consentIds = item.containsKey("consentIds")
                ? item.get("consentIds").l().stream().map(AttributeValue::s).toList() : List.of();
        Regime regime = Regime.valueOf(item.get("regime").s());
        Deadline deadline = new Deadline(regime, ZoneId.of(item.get("timeZone").s()),
                LocalDate.parse(item.get("receivedOn").s()),
                item.containsKey("acknowledgeBy") ? LocalDate.parse(item.get("acknowledgeBy").s()) : null,
                LocalDate.parse(item.get("originalDueOn").s()), LocalDate.parse(item.get("dueOn").s()),
                Integer.parseInt(item.get("extension").n()), text(item, "extensionReason"));
        List<AuditEntry> audit = new ArrayList<>();
        if (item.containsKey("audit")) {
            for (AttributeValue v : item.get("audit").l()) {
                Map<String, AttributeValue> e = v.m();
                audit.add(new AuditEntry(Instant.parse(e.get("at").s()), e.get("actor").s(), e.get("action").s(),
                        e.get("from").s(), e.get("to").s(), e.containsKey("why") ? e.get("why").s() : null));
            }
        }
        return DsarRequest.builder()
                .requestId(item.get("requestId").s())
                .type(RequestType.parse(item.get("type").s()).orElseThrow())
                .status(RequestStatus.valueOf(item.get("status").s().toUpperCase(java.util.Locale.ROOT)))
                .siteId(item.get("siteId").s())
                .email(item.get("email").s())
                .emailHash(item.get("emailHash").s())
                .locale(item.get("locale").s())
                .details(details)
                .consentIds(consentIds)
                .subjectIds(texts(item, "subjectIds"))
                .ignoredIdentifiers(texts(item, "ignoredIdentifiers"))
                .receivedAt(Instant.parse(item.get("receivedAt").s()))
                .deadline(deadline)
                .verifyTokenHash(text(item, "verifyTokenHash"))
                .verifyTokenExpiresAt(instant(item, "verifyTokenExpiresAt"))
                .statusTokenHash(text(item, "statusTokenHash"))
                .verifiedAt(instant(item, "verifiedAt"))
                .closedAt(instant(item, "closedAt"))
                .closeReason(text(item, "closeReason"))
                .closedLate(item.containsKey("closedLate") && Boolean.TRUE.equals(item.get("closedLate").bool()))
                .dispatchedAt(instant(item, "dispatchedAt"))
                .downloadTokenHash(text(item, "downloadTokenHash"))
                .downloadExpiresAt(instant(item, "downloadExpiresAt"))
                .remindersSent(item.containsKey("remindersSent") ? Set.copyOf(item.get("remindersSent").ss()) : Set.of())
                .audit(audit)
                .version(Long.parseLong(item.get("version").n()))
                .build();
    }

    private static List<String> texts(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).l().stream().map(AttributeValue::s).toList() : List.of();
    }

    private static DsarRequest withVersion(DsarRequest r, long version) {
        return r.toBuilder().version(version).build();
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, Object value) {
        if (value != null) {
            item.put(name, s(value.toString()));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }

    private static Instant instant(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Instant.parse(item.get(name).s()) : null;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
