package io.privacysuite.incidents;

import io.privacysuite.core.retention.RetentionStamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * IncidentsTable's key formats and attribute names. Per incident ({@code pk = INCIDENT#<id>}): {@code sk = INCIDENT}
 * (the incident, with {@code version} for optimistic locking) and {@code sk = AUDIT#<version, 10 digits>} (its audit
 * trail, one item per change, never rewritten). Every item carries the breach register's retention stamp.
 */
final class IncidentsTable {
    static final String PK = "pk";
    static final String SK = "sk";
    static final String VERSION = "version";
    private static final String INCIDENT_PREFIX = "INCIDENT#";
    private static final String INCIDENT_SK = "INCIDENT";
    private static final String AUDIT_PREFIX = "AUDIT#";

    private IncidentsTable() {}

    static Map<String, AttributeValue> key(String incidentId) {
        return Map.of(PK, AttributeValue.fromS(INCIDENT_PREFIX + incidentId), SK, AttributeValue.fromS(INCIDENT_SK));
    }

    static AttributeValue partition(String incidentId) {
        return AttributeValue.fromS(INCIDENT_PREFIX + incidentId);
    }

    static String auditPrefix() {
        return AUDIT_PREFIX;
    }

    static boolean isIncident(Map<String, AttributeValue> item) {
        return item.containsKey(SK) && INCIDENT_SK.equals(item.get(SK).s());
    }

    static Map<String, AttributeValue> item(Incident i, RetentionStamp stamp) {
        Map<String, AttributeValue> item = new HashMap<>(key(i.incidentId()));
        item.put("incidentId", AttributeValue.fromS(i.incidentId()));
        item.put(VERSION, AttributeValue.fromN(Long.toString(i.version())));
        item.put("openedAt", AttributeValue.fromS(i.openedAt().toString()));
        item.put("openedBy", AttributeValue.fromS(i.openedBy()));
        Incident.Details d = i.details();
        item.put("awareAt", AttributeValue.fromS(d.awareAt().toString()));
        item.put("title", AttributeValue.fromS(d.title()));
        item.put("nature", AttributeValue.fromS(d.nature()));
        item.put("dataCategories", strings(d.dataCategories()));
        item.put("subjectCategories", strings(d.subjectCategories()));
        item.put("approxSubjects", AttributeValue.fromN(Long.toString(d.approxSubjects())));
        item.put("approxRecords", AttributeValue.fromN(Long.toString(d.approxRecords())));
        item.put("consequences", AttributeValue.fromS(d.consequences()));
        item.put("measures", AttributeValue.fromS(d.measures()));
        item.put("contact", AttributeValue.fromS(d.contact()));
        item.put("highRisk", AttributeValue.fromBool(d.highRisk()));
        item.put("remindersSent", strings(i.remindersSent()));
        Incident.AuthorityNotification n = i.authorityNotification();
        if (n != null) {
            item.put("authorityNotifiedAt", AttributeValue.fromS(n.notifiedAt().toString()));
            item.put("authorityRecordedBy", AttributeValue.fromS(n.recordedBy()));
            item.put("authorityRecordedAt", AttributeValue.fromS(n.recordedAt().toString()));
            item.put("authorityReference", AttributeValue.fromS(n.reference()));
            if (n.lateReasons() != null) {
                item.put("lateReasons", AttributeValue.fromS(n.lateReasons()));
            }
        }
        return stamp.onto(item);
    }

    static Incident incident(Map<String, AttributeValue> item) {
        Incident.AuthorityNotification n = item.containsKey("authorityNotifiedAt")
                ? new Incident.AuthorityNotification(Instant.parse(s(item, "authorityNotifiedAt")),
                        s(item, "authorityRecordedBy"), Instant.parse(s(item, "authorityRecordedAt")),
                        s(item, "authorityReference"), item.containsKey("lateReasons") ? s(item, "lateReasons") : null)
                : null;
        Incident.Details d = new Incident.Details(Instant.parse(s(item, "awareAt")), s(item, "title"),
                s(item, "nature"), strings(item.get("dataCategories")), strings(item.get("subjectCategories")),
                n(item, "approxSubjects"), n(item, "approxRecords"), s(item, "consequences"), s(item, "measures"),
                s(item, "contact"), item.get("highRisk").bool());
        return new Incident(s(item, "incidentId"), n(item, VERSION), Instant.parse(s(item, "openedAt")),
                s(item, "openedBy"), d, n, strings(item.get("remindersSent")));
    }

    static Map<String, AttributeValue> auditItem(String incidentId, long version, Incident.Change c,
                                                 RetentionStamp stamp) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, partition(incidentId));
        item.put(SK, AttributeValue.fromS(AUDIT_PREFIX + String.format("%010d", version)));
        item.put("at", AttributeValue.fromS(c.at().toString()));
        item.put("actor", AttributeValue.fromS(c.actor()));
        item.put("action", AttributeValue.fromS(c.action()));
        Map<String, AttributeValue> what = new LinkedHashMap<>();
        c.what().forEach((k, v) -> what.put(k, AttributeValue.fromS(v)));
        item.put("what", AttributeValue.fromM(what));
        return stamp.onto(item);
    }

    static Incident.Change change(Map<String, AttributeValue> item) {
        Map<String, String> what = new LinkedHashMap<>();
        item.get("what").m().forEach((k, v) -> what.put(k, v.s()));
        return new Incident.Change(Instant.parse(s(item, "at")), s(item, "actor"), s(item, "action"), what);
    }

    private static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    private static List<String> strings(AttributeValue value) {
        List<String> out = new ArrayList<>();
        if (value != null && value.hasL()) {
            value.l().forEach(v -> out.add(v.s()));
        }
        return out;
    }

    private static String s(Map<String, AttributeValue> item, String name) {
        return item.get(name).s();
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }
}
