package io.privacysuite.fulfilment;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailPreferencesTable;
import io.privacysuite.requests.RequestsTable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
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
 *
 * <p>Legal holds: a consent covered by a hold on it (subject = consent id), on its site's account, or on the person is
 * kept and marked restricted (its TTL is the retention engine's, which parks it while held) and still exported, even
 * past a parked expiry: it is still data held about the person. A hold on the person keeps their preferences too.
 */
public final class SuiteConnector implements Connector {
    private final DataMap.Source source;
    private final DynamoDbClient dynamo;
    private final String table;
    private final ZoneId zone;
    private final Function<String, Optional<String>> accountOfSite;

    /** @param accountOfSite the account a site belongs to (for account holds on consents) */
    public SuiteConnector(DataMap.Source source, DynamoDbClient dynamo, String table, ZoneId zone,
                          Function<String, Optional<String>> accountOfSite) {
        this.source = source;
        this.dynamo = dynamo;
        this.table = table;
        this.zone = zone;
        this.accountOfSite = accountOfSite;
    }

    @Override
    public DataMap.Source source() {
        return source;
    }

    @Override
    public SourceOutcome collect(Subject subject, Instant now) {
        return SourceOutcome.exported(source, each -> items(subject, now).forEach(each), item -> isHeld(item, subject),
                this::exported, subject.page());
    }

    @Override
    public SourceOutcome erase(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> all = items(subject, now);
        DataMap.Erasure rule = source.erasure();
        int deleted = 0;
        List<SourceOutcome.Kept> kept = new ArrayList<>();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        int held = 0;
        try {
            for (Map<String, AttributeValue> item : all) {
                if (isHeld(item, subject)) {
                    restrictHeld(item, subject.requestId(), now);
                    held++;
                } else {
                    items.add(item);
                }
            }
            if (held > 0) {
                kept.add(new SourceOutcome.Kept(source.category(), held, Holds.LEGAL_BASIS, null, true));
            }
            switch (source.dataset()) {
                case CONSENTS -> {
                    if (rule.mode() == DataMap.ErasureMode.RETAIN) {
                        kept.addAll(keptFor(items));
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
                        if (sk.equals(EmailPreferencesTable.SUPPRESSED) || sk.equals(EmailPreferencesTable.OBJECTION)) {
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
                case REQUESTS -> kept.addAll(keptFor(items));
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": erase failed", e);
        }
        return SourceOutcome.of(source).found(all.size()).deleted(deleted).held(held).kept(kept).build();
    }

    /** Whether a hold covers the item: on the person, or for a consent on it or on its site's account. */
    private boolean isHeld(Map<String, AttributeValue> item, Subject subject) {
        if (subject.holds().person()) {
            return true;
        }
        if (source.dataset() != DataMap.Dataset.CONSENTS || subject.holds().index().isEmpty()) {
            return false;
        }
        AttributeValue consentId = item.get("consentId");
        AttributeValue siteId = item.get("siteId");
        String account = siteId == null || siteId.s() == null ? null : accountOfSite.apply(siteId.s()).orElse(null);
        return subject.holds().coversConsent(consentId == null ? null : consentId.s(), account);
    }

    /** Marks a held item restricted; its TTL (parked by the retention engine while the hold lasts) is left alone. */
    private void restrictHeld(Map<String, AttributeValue> item, String requestId, Instant now) {
        dynamo.updateItem(u -> u.tableName(table).key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))
                .updateExpression("SET processingRestricted = :t, legalHold = :t, legalBasis = :basis, "
                        + "erasureRequest = :request, erasureRequestedAt = :at")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true),
                        ":basis", AttributeValue.fromS(Holds.LEGAL_BASIS), ":request", AttributeValue.fromS(requestId),
                        ":at", AttributeValue.fromS(now.toString()))));
    }

    @Override
    public SourceOutcome rectify(Subject subject, Instant now) {
        // Nothing here is free text the person could correct; changes go to the other sources or to operators.
        return counted(subject, now);
    }

    @Override
    public SourceOutcome flag(Subject subject, String flag, Instant now) {
        // The flag itself is written to the email preferences by the processor (EmailPreferences.flag).
        return counted(subject, now);
    }

    private SourceOutcome counted(Subject subject, Instant now) {
        List<Map<String, AttributeValue>> items = items(subject, now);
        return SourceOutcome.counted(source, items.size(), (int) items.stream().filter(i -> isHeld(i, subject)).count());
    }

    /**
     * Items kept under the data map's retain rule until their own expiry (the suite's records carry their TTL from
     * their own date); the latest of those days is reported.
     */
    private List<SourceOutcome.Kept> keptFor(List<Map<String, AttributeValue>> items) {
        if (items.isEmpty()) {
            return List.of();
        }
        DataMap.Erasure rule = source.erasure();
        String basis = rule.legalBasis() == null ? "accountability" : rule.legalBasis();
        LocalDate until = items.stream().map(RetentionPolicy::expiryOf).flatMap(Optional::stream)
                .map(expiry -> LocalDate.ofInstant(expiry, zone)).max(LocalDate::compareTo).orElse(null);
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
                        out.addAll(dynamo.query(r -> r.tableName(table).keyConditionExpression("#pk = :pk")
                                .expressionAttributeNames(Map.of("#pk", ConsentsTable.PK))
                                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConsentsTable.pk(consentId)))))
                                .items());
                    }
                }
                case EMAIL_PREFERENCES -> out.addAll(dynamo.query(r -> r.tableName(table)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(subject.emailHash())))).items());
                case REQUESTS -> dynamo.queryPaginator(r -> r.tableName(table).indexName(RequestsTable.SUBJECT_INDEX)
                                .keyConditionExpression("emailHash = :h")
                                .expressionAttributeValues(Map.of(":h", AttributeValue.fromS(subject.emailHash()))))
                        .items().stream()
                        .filter(item -> !subject.requestId().equals(item.get("requestId").s()))
                        .forEach(out::add);
            }
        } catch (SdkException e) {
            throw new SourceFailedException(source.id() + ": query failed", e);
        }
        // Past their expiry they count as gone, unless a hold parked them: then they are still held about the person.
        return out.stream().filter(item -> !RetentionPolicy.isExpired(item, now)
                || (item.containsKey(RetentionPolicy.HELD_TTL_ATTRIBUTE) && isHeld(item, subject))).toList();
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
        ConsentsTable.KEY_PLUMBING.forEach(plain::remove);
        if (plain.get(RetentionPolicy.TTL_ATTRIBUTE) instanceof Number n) {
            plain.put(RetentionPolicy.TTL_ATTRIBUTE, Instant.ofEpochSecond(n.longValue()).atOffset(ZoneOffset.UTC).toString());
        }
        return plain;
    }
}
