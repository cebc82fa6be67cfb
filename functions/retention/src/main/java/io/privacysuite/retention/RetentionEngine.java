package io.privacysuite.retention;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.SitesTable;
import io.privacysuite.core.retention.HoldIndex;
import io.privacysuite.core.retention.LegalHoldStore;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What happens when an item's time is up, whoever notices (the TTL stream or the sweeper): its dependants are
 * erased with it (cascade), each erasure gets a receipt, and nothing a legal hold covers is touched.
 *
 * <p>Dependants: a consent version takes the older versions of the same consent with it (superseded, and past
 * the newest one's expiry, they prove nothing on their own; newer versions are fresh registrations with their
 * own clock). An account's profile takes every remaining item of the account (its sites, their consents, its
 * invoices and system records). A site takes its consents.
 */
public final class RetentionEngine {
    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RetentionPolicy policy;
    private final LegalHoldStore holds;
    private final ReceiptLog receipts;
    private final ItemFinder finder;
    private final Eraser eraser;
    private final Retimer retimer;
    private final java.util.concurrent.ExecutorService pool = Parallel.pool();

    public RetentionEngine(DynamoDbClient dynamo, Tables tables, RetentionPolicy policy) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.policy = policy;
        this.holds = new LegalHoldStore(dynamo, tables.holds());
        this.receipts = new ReceiptLog(dynamo, tables.receipts());
        this.finder = new ItemFinder(dynamo, tables, policy);
        this.eraser = new Eraser(dynamo, tables);
        this.retimer = new Retimer(dynamo, tables);
    }

    public Tables tables() {
        return tables;
    }

    public RetentionPolicy policy() {
        return policy;
    }

    LegalHoldStore holds() {
        return holds;
    }

    ReceiptLog receipts() {
        return receipts;
    }

    ItemFinder finder() {
        return finder;
    }

    Eraser eraser() {
        return eraser;
    }

    Retimer retimer() {
        return retimer;
    }

    Ownership ownership() {
        return new Ownership(dynamo, tables);
    }

    /** What one stream batch did; {@code failed} holds the indexes of records to retry. */
    public record TtlOutcome(int receipts, int cascaded, int restoredUnderHold, Set<Integer> failed) {}

    /**
     * Handles TTL deletions from the streams: a held item is put back (parked), every other one gets its receipt
     * and its dependants are erased. Replaying a batch changes nothing: receipts are deterministic and the
     * dependants are gone.
     */
    public TtlOutcome onTtlDeletions(List<TtlDeletion> deletions) {
        Set<Integer> failed = new HashSet<>();
        HoldIndex index = holds.activeIndex();
        Ownership ownership = ownership();
        List<Integer> toCascade = new ArrayList<>();
        int restored = 0;
        for (int i = 0; i < deletions.size(); i++) {
            StoredItem item = deletions.get(i).item();
            try {
                if (ownership.isHeld(index, item)) {
                    // TTL raced the hold: a legal hold preserves, so the item comes back, parked.
                    retimer.restoreParked(item);
                    restored++;
                } else {
                    toCascade.add(i);
                }
            } catch (RuntimeException e) {
                failed.add(i);
            }
        }
        List<Receipt> triggerReceipts = new ArrayList<>();
        List<Eraser.Erasure> erasures = new ArrayList<>();
        try {
            List<StoredItem> triggers = toCascade.stream().map(i -> deletions.get(i).item()).toList();
            Map<Integer, List<StoredItem>> dependants = dependantsOf(triggers, Instant.now());
            for (int t = 0; t < toCascade.size(); t++) {
                TtlDeletion deletion = deletions.get(toCascade.get(t));
                StoredItem item = deletion.item();
                Receipt receipt = Receipt.of(item, ruleOf(item), item.expiry().orElse(deletion.deletedAt()),
                        deletion.deletedAt(), Cause.TTL, null);
                triggerReceipts.add(receipt);
                for (StoredItem dependant : dependants.getOrDefault(t, List.of())) {
                    if (!ownership.isHeld(index, dependant)) {
                        erasures.add(new Eraser.Erasure(dependant, ruleOf(dependant),
                                dependant.expiry().orElse(deletion.deletedAt()), Cause.TTL, receipt.receiptId()));
                    }
                }
            }
            // Dependants and trigger receipts are independent of each other: written side by side.
            var receiptsWritten = receipts.submitAll(triggerReceipts, pool);
            // Account and site cascades list dependants before what they hang on (consents before their site), so
            // a retry after a crash still finds them: keep that order. Older consent versions are independent.
            boolean ordered = triggers.stream().anyMatch(t -> !t.isConsentVersion());
            Eraser.Outcome cascaded = ordered ? eraser.erase(erasures, Instant.now())
                    : eraser.eraseUnordered(erasures, Instant.now(), pool);
            receiptsWritten.forEach(Parallel::join);
            return new TtlOutcome(triggerReceipts.size(), cascaded.erased(), restored, failed);
        } catch (RuntimeException e) {
            // Receipts and cascades are idempotent: the whole remainder is retried (and bisected) safely.
            failed.addAll(toCascade);
            return new TtlOutcome(0, 0, restored, failed);
        }
    }

    /** Dependants of each trigger (by position), read now: existing items only, de-duplicated across triggers. */
    Map<Integer, List<StoredItem>> dependantsOf(List<StoredItem> triggers, Instant now) {
        Map<Integer, List<StoredItem>> result = new HashMap<>();
        Set<String> claimed = new HashSet<>();
        triggers.forEach(t -> claimed.add(t.canonicalKey()));
        // Older consent versions of every trigger in one BatchGetItem: the common case, and the hot path.
        Map<String, Integer> ownerOfCandidate = new LinkedHashMap<>();
        List<Map<String, AttributeValue>> candidateKeys = new ArrayList<>();
        for (int t = 0; t < triggers.size(); t++) {
            StoredItem trigger = triggers.get(t);
            if (trigger.isConsentVersion()) {
                int version = ConsentsTable.versionOf(trigger.text(ConsentsTable.SK).orElseThrow());
                String pk = trigger.text(ConsentsTable.PK).orElseThrow();
                for (int v = 1; v < version; v++) {
                    Map<String, AttributeValue> key = ConsentsTable.versionKey(pk, v);
                    String canonical = Source.CONSENTS.logicalName() + "/" + Source.CONSENTS.canonicalKey(key);
                    if (claimed.add(canonical)) {
                        ownerOfCandidate.put(canonical, t);
                        candidateKeys.add(key);
                    }
                }
            } else if (ItemFinder.isProfile(trigger)) {
                String accountId = trigger.ownAccountId().orElseThrow();
                result.put(t, unclaimed(finder.ofAccount(accountId, now), claimed));
            } else if (trigger.source() == Source.SITES) {
                result.put(t, unclaimed(finder.consentsOfSite(trigger.text(SitesTable.SITE_ID).orElseThrow(), now), claimed));
            }
        }
        for (StoredItem existing : finder.current(Source.CONSENTS, candidateKeys)) {
            result.computeIfAbsent(ownerOfCandidate.get(existing.canonicalKey()), k -> new ArrayList<>()).add(existing);
        }
        return result;
    }

    private static List<StoredItem> unclaimed(List<StoredItem> items, Set<String> claimed) {
        List<StoredItem> out = new ArrayList<>();
        for (StoredItem item : items) {
            if (claimed.add(item.canonicalKey())) {
                out.add(item);
            }
        }
        return out;
    }

    /** Erases items whose time is up (the sweeper's path): dependants first, each with its receipt. */
    public Eraser.Outcome eraseExpired(List<StoredItem> items, Cause cause, HoldIndex index, Ownership ownership,
                                       Instant now) {
        List<StoredItem> free = items.stream().filter(i -> !ownership.isHeld(index, i)).toList();
        Map<Integer, List<StoredItem>> dependants = dependantsOf(free, now);
        List<Eraser.Erasure> erasures = new ArrayList<>();
        for (int t = 0; t < free.size(); t++) {
            StoredItem item = free.get(t);
            Receipt receipt = Receipt.of(item, ruleOf(item), item.expiry().orElse(now), now, cause, null);
            for (StoredItem dependant : dependants.getOrDefault(t, List.of())) {
                if (!ownership.isHeld(index, dependant)) {
                    erasures.add(new Eraser.Erasure(dependant, ruleOf(dependant), dependant.expiry().orElse(now), cause,
                            receipt.receiptId()));
                }
            }
            erasures.add(new Eraser.Erasure(item, ruleOf(item), item.expiry().orElse(now), cause, null));
        }
        return eraser.erase(erasures, now);
    }

    String ruleOf(StoredItem item) {
        return item.rule().orElseGet(() -> policy.ruleName(item.category()));
    }
}
