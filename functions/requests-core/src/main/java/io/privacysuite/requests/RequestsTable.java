package io.privacysuite.requests;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.retention.RetentionStamp;
import io.privacysuite.notify.Notification;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * RequestsTable's key formats and attribute names: {@code pk = REQ#<id>}, {@code sk = REQUEST}, one item holding the
 * request and its audit trail; the processor's lease next to it ({@code sk = LEASE}); intake rate counters
 * ({@code pk = RATE#...}, {@code sk = RATE}). Open requests carry {@code openPk = OPEN} and {@code dueEpoch}, so the
 * sparse {@code openByDue} index lists exactly the open work by deadline; {@code bySubject} (the hashed address) serves
 * later look-ups of a person's earlier requests. Every item carries its retention stamp.
 */
public final class RequestsTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String OPEN_INDEX = "openByDue";
    public static final String SUBJECT_INDEX = "bySubject";
    public static final String OPEN_PK = "openPk";
    public static final String DUE_EPOCH = "dueEpoch";
    public static final String OPEN = "OPEN";
    public static final String EMAIL_HASH = "emailHash";
    public static final String REQUEST_ID = "requestId";
    /** Emails owed for the last change (JSON each), written with it and removed once queued. */
    static final String PENDING_NOTICES = "pendingNotices";
    static final String LEASE_OWNER = "owner";
    static final String LEASE_UNTIL = "leaseUntil";
    private static final String REQUEST_PREFIX = "REQ#";
    private static final String REQUEST_SK = "REQUEST";
    private static final String LEASE_SK = "LEASE";
    private static final String RATE_PREFIX = "RATE#";
    private static final String RATE_SK = "RATE";

    private RequestsTable() {}

    public static Map<String, AttributeValue> key(String requestId) {
        return Map.of(PK, s(pk(requestId)), SK, s(REQUEST_SK));
    }

    /** The processing lease of a request: an item of its own next to the request ({@code sk = LEASE}). */
    static Map<String, AttributeValue> leaseKey(String requestId) {
        return Map.of(PK, s(pk(requestId)), SK, s(LEASE_SK));
    }

    static Map<String, AttributeValue> lease(String requestId, String owner, Instant until) {
        Map<String, AttributeValue> item = new HashMap<>(leaseKey(requestId));
        item.put("entity", s("processing_lease"));
        item.put(LEASE_OWNER, s(owner));
        item.put(LEASE_UNTIL, n(until.getEpochSecond()));
        return RetentionStamp.ownRule("processing_lease_1d", until.plus(Duration.ofDays(1))).onto(item);
    }

    /**
     * The key of an intake rate counter ({@code pk = RATE#<scope>#<key hash>#<window start>}): counters live in this
     * table so that a request and its counters are written in one transaction.
     */
    public static Map<String, AttributeValue> rateCounterKey(String scope, String keyHash, long windowStart) {
        return Map.of(PK, s(RATE_PREFIX + scope + "#" + keyHash + "#" + windowStart), SK, s(RATE_SK));
    }

    private static String pk(String requestId) {
        return REQUEST_PREFIX + requestId;
    }

    private static DataCategory category(DsarRequest r) {
        return r.status() == RequestStatus.PENDING_VERIFICATION ? DataCategory.UNVERIFIED_REQUEST : DataCategory.REQUEST_RECORD;
    }

    /** Unverified requests expire with their link (from receipt); records are kept 24 months after their last change. */
    public static RetentionStamp stampOf(DsarRequest r, Instant now, RetentionPolicy retention) {
        DataCategory category = category(r);
        return retention.stampFor(category, category == DataCategory.UNVERIFIED_REQUEST ? r.receivedAt() : now);
    }

    static Map<String, AttributeValue> toItem(DsarRequest r, Instant now, RetentionPolicy retention) {
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
            item.put("consentIds", AttributeValue.fromL(r.consentIds().stream().map(RequestsTable::s).toList()));
        }
        if (!r.subjectIds().isEmpty()) {
            item.put("subjectIds", AttributeValue.fromL(r.subjectIds().stream().map(RequestsTable::s).toList()));
        }
        if (!r.ignoredIdentifiers().isEmpty()) {
            item.put("ignoredIdentifiers", AttributeValue.fromL(r.ignoredIdentifiers().stream().map(RequestsTable::s).toList()));
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
        item.put(DUE_EPOCH, n(d.dueAt().getEpochSecond()));
        item.put("extension", n(d.extension()));
        if (d.extensionReason() != null) {
            item.put("extensionReason", s(d.extensionReason()));
        }
        if (r.status().isOpen()) {
            item.put(OPEN_PK, s(OPEN));
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
        if (!r.pendingNotices().isEmpty()) {
            item.put(PENDING_NOTICES, AttributeValue.fromL(r.pendingNotices().stream()
                    .map(n -> s(Json.write(n))).toList()));
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
        return stampOf(r, now, retention).onto(item);
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
                .pendingNotices(texts(item, PENDING_NOTICES).stream().map(RequestsTable::notice).toList())
                .audit(audit)
                .version(Long.parseLong(item.get("version").n()))
                .build();
    }

    private static Notification notice(String json) {
        try {
            return Json.MAPPER.readValue(json, Notification.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable pending notice in a request item", e);
        }
    }

    private static List<String> texts(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).l().stream().map(AttributeValue::s).toList() : List.of();
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

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
