package io.privacysuite.fulfilment;

import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.requests.RequestStore;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The suite's own data about a person: consent records (by the consent ids the person supplied from their browser),
 * email preferences (opt-outs, suppression, subject flags; by address hash) and earlier requests (the
 * {@code bySubject} index, the current request left out).
 *
 * <p>Erasure: consents follow the data map (delete, or retain with a legal basis); opt-outs are deleted, but the
 * suppression entry and an objection are kept (forgetting them would mean mailing the person again); earlier
 * request records are kept for accountability until their own TTL (24 months) with the data map's legal basis.
 */
public final class SuiteConnector implements Connector {
    private final DataMap.Source source;
    private final DynamoDbClient dynamo;
    private final String table;
    private final ZoneId zone;

    public SuiteConnector(DataMap.Source source, DynamoDbClient dynamo, String table, ZoneId zone) {
        this.source = source;
        this.dynamo = dynamo;
        this.table = table;
        this.zone = zone;
    }

    @Override
    public DataMap.Source source() {
        return source;
    }

    @Override
    public SourceOutcome collect(Subject subject, Instant now) {
        return SourceOutcome.found(source, items(subject, now).stream().map(this::exported).toList());
    }

    @Override
    public SourceOutcome erase(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> items = items(subject, now);
        DataMap.Erasure rule = source.erasure();
        int deleted = 0;
        List<SourceOutcome.Kept> kept = new ArrayList<>();
        try {
            switch (source.dataset()) {
                case CONSENTS -> {
                    if (rule.mode() == DataMap.ErasureMode.RETAIN) {
                        kept.addAll(keptFor(items, rule, now));
                    } else {
                        for (Map<String, AttributeValue> item : items) {
                            delete(item);
                            deleted++;
                        }
                    }
                }
                case EMAIL_PREFERENCES -> {
                    int keptCount = 0;
                    for (Map<String, AttributeValue> item : items) {
                        String sk = item.get("sk").s();
                        if (sk.equals(EmailPreferences.SUPPRESSED) || sk.equals(EmailPreferences.OBJECTION)) {
                            keptCount++;
                        } else {
                            delete(item);
                            deleted++;
                        }
                    }
                    if (keptCount > 0) {
                        kept.add(new SourceOutcome.Kept("suppression list", keptCount,
                                "so that we never email you again (suppression / objection to direct marketing)",
                                null, true));
                    }
                }
                case REQUESTS -> kept.addAll(keptFor(items, rule, now));
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": erase failed", e);
        }
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(), items.size(),
                deleted, 0, 0, kept, List.of());
    }

    @Override
    public SourceOutcome rectify(Subject subject, Instant now) {
        // Nothing here is free text the person could correct; changes go to the other sources or to operators.
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(),
                items(subject, now).size(), 0, 0, 0, List.of(), List.of());
    }

    @Override
    public SourceOutcome flag(Subject subject, String flag, Instant now) {
        // The flag itself is written to the email preferences by the processor (EmailPreferences.flag).
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(),
                items(subject, now).size(), 0, 0, 0, List.of(), List.of());
    }

    private List<SourceOutcome.Kept> keptFor(List<Map<String, AttributeValue>> items, DataMap.Erasure rule, Instant now) {
        if (items.isEmpty()) {
            return List.of();
        }
        String basis = rule.legalBasis() == null ? "accountability" : rule.legalBasis();
        LocalDate until = rule.retainFor() == null ? null : rule.retainFor().until(now, zone);
        return List.of(new SourceOutcome.Kept(source.category(), items.size(), basis, until, rule.restrict()));
    }

    private void delete(Map<String, AttributeValue> item) {
        dynamo.deleteItem(r -> r.tableName(table).key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))));
    }

    List<Map<String, AttributeValue>> items(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        try {
            switch (source.dataset()) {
                case CONSENTS -> {
                    for (String consentId : subject.consentIds()) {
                        out.addAll(dynamo.query(r -> r.tableName(table).keyConditionExpression("pk = :pk")
                                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONSENT#" + consentId))))
                                .items());
                    }
                }
                case EMAIL_PREFERENCES -> out.addAll(dynamo.query(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(subject.emailHash())))).items());
                case REQUESTS -> dynamo.queryPaginator(r -> r.tableName(table).indexName(RequestStore.SUBJECT_INDEX)
                                .keyConditionExpression("emailHash = :h")
                                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(subject.emailHash()))))
                        .items().stream()
                        .filter(item -> !subject.requestId().equals(item.get("requestId").s()))
                        .forEach(out::add);
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": query failed", e);
        }
        return out.stream().filter(item -> !expired(item, now)).toList();
    }

    private static boolean expired(Map<String, AttributeValue> item, Instant now) {
        AttributeValue ttl = item.get(RetentionPolicy.TTL_ATTRIBUTE);
        return ttl != null && ttl.n() != null && RetentionPolicy.isExpired(Long.parseLong(ttl.n()), now);
    }

    /** What the person gets to see: no key plumbing or token hashes, for requests a summary of each. */
    private Map<String, Object> exported(Map<String, AttributeValue> item) {
        Map<String, Object> plain = Items.plain(item);
        if (source.dataset() == DataMap.Dataset.REQUESTS) {
            Map<String, Object> out = new TreeMap<>();
            for (String k : List.of("requestId", "type", "status", "siteId", "receivedAt", "verifiedAt", "closedAt",
                    "closeReason", "dueOn", "details")) {
                if (plain.containsKey(k)) {
                    out.put(k, plain.get(k));
                }
            }
            return out;
        }
        plain.remove("pk");
        plain.remove("gsi1pk");
        plain.remove("gsi1sk");
        if (plain.get(RetentionPolicy.TTL_ATTRIBUTE) instanceof Number n) {
            plain.put(RetentionPolicy.TTL_ATTRIBUTE, Instant.ofEpochSecond(n.longValue()).atOffset(ZoneOffset.UTC).toString());
        }
        return plain;
    }
}
