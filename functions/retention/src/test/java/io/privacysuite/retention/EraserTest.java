package io.privacysuite.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** How the eraser groups erasures into transactions and handles their cancellations (in-memory DynamoDB). */
class EraserTest {
    private static final String CONSENTS = LocalDynamo.TABLES.consents();
    private static final String RECEIPTS = LocalDynamo.TABLES.receipts();
    private final FakeTransactions dynamo = new FakeTransactions().table(CONSENTS, "pk", "sk").table(RECEIPTS, "receiptId");
    private final Eraser eraser = new Eraser(dynamo, LocalDynamo.TABLES);
    private final ExecutorService pool = Parallel.pool();
    private final Instant now = Instant.parse("2026-11-30T04:00:00Z");

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private Map<String, AttributeValue> consent(int n) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("CONSENT#c" + n));
        item.put("sk", AttributeValue.fromS("V#000001"));
        item.put("consentId", AttributeValue.fromS("c" + n));
        item.put("dataCategory", AttributeValue.fromS("end_user"));
        item.put("retentionRule", AttributeValue.fromS("end_user_12m"));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(1_795_000_000L + n)));
        return item;
    }

    /** Stored consents 0..count-1 and the erasures planned from their images (as the engine plans them). */
    private List<Eraser.Erasure> stored(int count) {
        List<Eraser.Erasure> erasures = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            dynamo.put(CONSENTS, consent(n));
            erasures.add(erasure(consent(n)));
        }
        return erasures;
    }

    private static Eraser.Erasure erasure(Map<String, AttributeValue> image) {
        StoredItem item = new StoredItem(Source.CONSENTS, image);
        return new Eraser.Erasure(item, "end_user_12m", item.expiry().orElseThrow(), Cause.TTL, "trigger-receipt");
    }

    private Map<String, AttributeValue> receiptOf(Eraser.Erasure e) {
        return dynamo.get(RECEIPTS, DeletionReceiptsTable.key(e.receipt(now).receiptId()));
    }

    private static boolean isConsent(Map<String, AttributeValue> key, int n) {
        return key.get("pk").s().equals("CONSENT#c" + n);
    }

    private static List<String> deletedIn(List<TransactWriteItem> transaction) {
        return transaction.stream().filter(a -> a.delete() != null).map(a -> a.delete().key().get("pk").s()).toList();
    }

    @Test
    void shouldEraseTheOthers_andCountTheChangedOnesAsGone_whenARecordsConditionFailsInAGroup() {
        List<Eraser.Erasure> erasures = stored(5);
        // Erased by an earlier delivery after it was read: no longer there.
        erasures.add(erasure(consent(5)));
        // Parked by a legal hold placed after it was read unparked.
        Map<String, AttributeValue> parked = consent(6);
        parked.put("heldExpiresAt", parked.remove("expiresAt"));
        dynamo.put(CONSENTS, parked);
        erasures.add(erasure(consent(6)));

        Eraser.Outcome outcome = eraser.erase(erasures, now);

        assertThat(outcome).isEqualTo(new Eraser.Outcome(5, 2));
        assertThat(dynamo.attempted).containsExactly(14, 10);
        assertThat(dynamo.size(CONSENTS)).isEqualTo(1);
        assertThat(dynamo.get(CONSENTS, consent(6))).containsKey("heldExpiresAt");
        assertThat(erasures.subList(0, 5)).allSatisfy(e -> assertThat(receiptOf(e)).isNotNull());
        assertThat(receiptOf(erasures.get(5))).isNull();
        assertThat(receiptOf(erasures.get(6))).isNull();
        assertThat(dynamo.size(RECEIPTS)).isEqualTo(5);
    }

    @Test
    void shouldSplitIntoTransactionsOfAtMostAHundredActions_whenAGroupHasMoreThanFiftyRecords() {
        List<Eraser.Erasure> erasures = stored(120);

        Eraser.Outcome ordered = eraser.erase(erasures.subList(0, 60), now);
        Eraser.Outcome unordered = eraser.eraseUnordered(erasures.subList(60, 120), now, pool);

        assertThat(ordered).isEqualTo(new Eraser.Outcome(60, 0));
        assertThat(unordered).isEqualTo(new Eraser.Outcome(60, 0));
        assertThat(dynamo.attempted.subList(0, 2)).containsExactly(100, 20);
        assertThat(dynamo.attempted.subList(2, 4)).containsExactlyInAnyOrder(100, 20);
        assertThat(dynamo.size(CONSENTS)).isZero();
        assertThat(dynamo.size(RECEIPTS)).isEqualTo(120);
        // Each transaction pairs every delete with its own receipt.
        assertThat(dynamo.committed).allSatisfy(t -> assertThat(t.stream().filter(a -> a.put() != null)).hasSize(t.size() / 2));
    }

    @Test
    void shouldKeepTheFirstReceipts_whenARedeliveredBatchErasesTheSameItemsAgain() {
        List<Eraser.Erasure> erasures = stored(3);
        eraser.erase(erasures, now);
        List<Map<String, AttributeValue>> first = erasures.stream().map(this::receiptOf).toList();

        Eraser.Outcome again = eraser.erase(erasures, now.plusSeconds(3600));

        assertThat(again).isEqualTo(new Eraser.Outcome(0, 3));
        assertThat(dynamo.size(RECEIPTS)).isEqualTo(3);
        assertThat(erasures.stream().map(this::receiptOf).toList()).isEqualTo(first);
        assertThat(first).allSatisfy(r -> assertThat(r.get("deletedAt").s()).isEqualTo(now.toString()));
    }

    /** Erases {@code count} stored consents in order while DynamoDB answers {@code code} {@code times} for one of them. */
    private Eraser.Outcome eraseWhileBusy(int count, String code, int times, int busy) {
        List<Eraser.Erasure> erasures = stored(count);
        dynamo.faults.add(FakeTransactions.busyOn(code, times, key -> isConsent(key, busy)));
        return eraser.erase(erasures, now);
    }

    @Test
    void shouldRetryInGroupsHalfAsLarge_afterATransactionConflict() {
        Eraser.Outcome outcome = eraseWhileBusy(10, "TransactionConflict", 1, 3);

        assertThat(outcome).isEqualTo(new Eraser.Outcome(10, 0));
        assertThat(dynamo.attempted).containsExactly(20, 10, 10);
        assertThat(deletedIn(dynamo.committed.get(0))).containsExactly("CONSENT#c0", "CONSENT#c1", "CONSENT#c2",
                "CONSENT#c3", "CONSENT#c4");
        assertThat(dynamo.size(CONSENTS)).isZero();
        assertThat(dynamo.size(RECEIPTS)).isEqualTo(10);
    }

    @Test
    void shouldFallBackToOneRecordPerTransaction_inOrder_whenAnItemKeepsBeingThrottled() {
        Eraser.Outcome outcome = eraseWhileBusy(4, "ThrottlingError", 2, 1);

        assertThat(outcome).isEqualTo(new Eraser.Outcome(4, 0));
        // 4 records, then groups of 2 (the first throttled again, so the second waits), then one by one.
        assertThat(dynamo.attempted).containsExactly(8, 4, 2, 2, 2, 2);
        assertThat(dynamo.committed.stream().flatMap(t -> deletedIn(t).stream()).toList())
                .containsExactly("CONSENT#c0", "CONSENT#c1", "CONSENT#c2", "CONSENT#c3");
        assertThat(dynamo.size(RECEIPTS)).isEqualTo(4);
    }

    @Test
    void shouldNameEachItemOnceInATransaction_whenTheSameItemIsPlannedTwice() {
        List<Eraser.Erasure> erasures = stored(2);
        erasures.add(erasure(consent(0)));

        Eraser.Outcome outcome = eraser.eraseUnordered(erasures, now, pool);

        assertThat(outcome).isEqualTo(new Eraser.Outcome(2, 0));
        assertThat(dynamo.attempted).containsExactly(4);
        assertThat(dynamo.size(RECEIPTS)).isEqualTo(2);
    }
}
