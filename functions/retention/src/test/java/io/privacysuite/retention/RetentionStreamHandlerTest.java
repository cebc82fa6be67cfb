package io.privacysuite.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.core.Hashes;
import io.privacysuite.core.retention.LegalHold;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class RetentionStreamHandlerTest extends LocalDynamoTest {
    static RetentionStreamHandler handler;

    final Instant recorded = Instant.parse("2025-11-01T10:00:00Z");
    final Instant expired = Instant.parse("2026-11-01T10:00:00Z");

    @BeforeAll
    static void startEngine() {
        start(new RetentionPolicy(12), Clock.systemUTC());
        handler = new RetentionStreamHandler(services);
    }

    private List<Receipt> receiptsFor(String consentId) {
        return db.scan(LocalDynamo.TABLES.receipts()).stream().map(DeletionReceiptsTable::fromItem)
                .filter(r -> r.keyHash().equals(Hashes.sha256Hex("consents/pk=CONSENT#" + consentId + "|sk=V#000001"))
                        || r.keyHash().equals(Hashes.sha256Hex("consents/pk=CONSENT#" + consentId + "|sk=V#000002"))
                        || r.keyHash().equals(Hashes.sha256Hex("consents/pk=CONSENT#" + consentId + "|sk=V#000003")))
                .toList();
    }

    @Test
    void shouldWriteReceiptAndEraseOlderVersions_whenTtlDeletesTheLatestVersion() {
        String id = UUID.randomUUID().toString();
        fx.site("shop-a", "acct-a");
        fx.consent("shop-a", id, 1, recorded, expired);
        fx.consent("shop-a", id, 2, recorded.plusSeconds(60), expired.plusSeconds(60));
        fx.consent("shop-a", id, 3, recorded.plusSeconds(120), expired.plusSeconds(120));
        DynamodbEvent.DynamodbStreamRecord ttl = fx.ttlDelete(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 3));

        StreamsEventResponse response = handler.handleRequest(Fixtures.event(List.of(ttl)), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(new DynamoDbConsentStore(db.dynamo, LocalDynamo.TABLES.consents(), ConsentsTable.DEFAULT_SHARDS).history(id)).isEmpty();
        List<Receipt> receipts = receiptsFor(id);
        assertThat(receipts).hasSize(3).allSatisfy(r -> {
            assertThat(r.cause()).isEqualTo(Cause.TTL);
            assertThat(r.table()).isEqualTo("consents");
            assertThat(r.rule()).isEqualTo("end_user_12m");
        });
        Receipt trigger = receipts.stream().filter(r -> r.cascadeOf() == null).findFirst().orElseThrow();
        assertThat(trigger.expiresAt()).isEqualTo(expired.plusSeconds(120));
        assertThat(trigger.deletedAt()).isEqualTo(Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(receipts.stream().filter(r -> trigger.receiptId().equals(r.cascadeOf()))).hasSize(2);
    }

    @Test
    void shouldWriteNoDuplicateReceipts_whenTheSameBatchIsReplayed() {
        String id = UUID.randomUUID().toString();
        fx.site("shop-b", "acct-b");
        fx.consent("shop-b", id, 1, recorded, expired);
        fx.consent("shop-b", id, 2, recorded.plusSeconds(60), expired.plusSeconds(60));
        DynamodbEvent event = Fixtures.event(List.of(
                fx.ttlDelete(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 2))));

        handler.handleRequest(event, null);
        List<Receipt> first = receiptsFor(id);
        handler.handleRequest(event, null);
        handler.handleRequest(event, null);

        assertThat(first).hasSize(2);
        assertThat(receiptsFor(id)).containsExactlyInAnyOrderElementsOf(first);
    }

    @Test
    void shouldEraseEveryOlderVersionInTransactionsOfAtMostAHundredActions_andNothingMoreOnRedelivery() {
        fx.site("shop-g", "acct-g");
        List<String> ids = new java.util.ArrayList<>();
        List<DynamodbEvent.DynamodbStreamRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            fx.consent("shop-g", id, 1, recorded, expired.plusSeconds(86_400L * 30));
            fx.consent("shop-g", id, 2, recorded.plusSeconds(60), expired);
            records.add(fx.ttlDelete(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 2)));
        }
        DynamodbEvent batch = Fixtures.event(records);

        StreamsEventResponse first = handler.handleRequest(batch, null);
        List<Receipt> written = ids.stream().flatMap(id -> receiptsFor(id).stream()).toList();
        StreamsEventResponse again = handler.handleRequest(batch, null);

        assertThat(first.getBatchItemFailures()).isEmpty();
        assertThat(again.getBatchItemFailures()).isEmpty();
        assertThat(ids).allSatisfy(id -> assertThat(db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 1))).isNull());
        assertThat(written).hasSize(120);
        assertThat(written.stream().filter(r -> r.cascadeOf() != null)).hasSize(60)
                .allSatisfy(r -> assertThat(r.expiresAt()).isEqualTo(expired.plusSeconds(86_400L * 30)));
        assertThat(ids.stream().flatMap(id -> receiptsFor(id).stream()).toList()).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void shouldLeaveNewerVersionsAlone_whenAnOlderVersionExpires() {
        String id = UUID.randomUUID().toString();
        fx.site("shop-c", "acct-c");
        fx.consent("shop-c", id, 1, recorded, expired);
        fx.consent("shop-c", id, 2, Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2027-06-01T00:00:00Z"));

        handler.handleRequest(Fixtures.event(List.of(
                fx.ttlDelete(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 1)))), null);

        assertThat(new DynamoDbConsentStore(db.dynamo, LocalDynamo.TABLES.consents(), ConsentsTable.DEFAULT_SHARDS).history(id))
                .extracting(r -> r.version()).containsExactly(2);
        assertThat(receiptsFor(id)).hasSize(1);
    }

    @Test
    void shouldIgnoreDeletesMadeByClients_evenIfTheFilterLetThemThrough() {
        String id = UUID.randomUUID().toString();
        fx.site("shop-d", "acct-d");
        Map<String, AttributeValue> item = fx.consent("shop-d", id, 1, recorded, expired);
        db.dynamo.deleteItem(d -> d.tableName(LocalDynamo.TABLES.consents()).key(Fixtures.consentKey(id, 1)));

        StreamsEventResponse response = handler.handleRequest(Fixtures.event(List.of(
                Fixtures.removeRecord(LocalDynamo.TABLES.consents(), item, false))), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(receiptsFor(id)).isEmpty();
    }

    @Test
    void shouldPutAHeldItemBackParked_whenTtlRacedALegalHold() {
        String id = UUID.randomUUID().toString();
        fx.site("shop-e", "acct-e");
        fx.consent("shop-e", id, 1, recorded, expired);
        services.holds().place(LegalHold.Scope.SUBJECT, id, "litigation", "legal@example.com");
        // The hold parked the TTL; simulate TTL having deleted the item just before that happened.
        Map<String, AttributeValue> parked = db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 1));
        Map<String, AttributeValue> asDeleted = new java.util.HashMap<>(parked);
        asDeleted.put("expiresAt", asDeleted.remove("heldExpiresAt"));
        asDeleted.remove("parkedSiteId");
        db.dynamo.deleteItem(d -> d.tableName(LocalDynamo.TABLES.consents()).key(Fixtures.consentKey(id, 1)));

        StreamsEventResponse response = handler.handleRequest(Fixtures.event(List.of(
                Fixtures.removeRecord(LocalDynamo.TABLES.consents(), asDeleted, true))), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        Map<String, AttributeValue> restored = db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 1));
        assertThat(restored).isNotNull().doesNotContainKey("expiresAt");
        assertThat(restored.get("heldExpiresAt").n()).isEqualTo(Long.toString(expired.getEpochSecond()));
        assertThat(receiptsFor(id)).isEmpty();
        // Readers still treat it as gone: its time is up, the hold only preserves it.
        assertThat(new DynamoDbConsentStore(db.dynamo, LocalDynamo.TABLES.consents(), ConsentsTable.DEFAULT_SHARDS).history(id).get(0)
                .isErased(Instant.now())).isTrue();
    }

    @Test
    void shouldFailTheInvocationSoLambdaBisects_whenARecordComesFromAnUnknownTable() {
        String id = UUID.randomUUID().toString();
        fx.site("shop-f", "acct-f");
        Map<String, AttributeValue> item = fx.consent("shop-f", id, 1, recorded, expired);
        DynamodbEvent.DynamodbStreamRecord good = fx.ttlDelete(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, 1));
        DynamodbEvent.DynamodbStreamRecord foreign = Fixtures.removeRecord("SomeOtherTable", item, true);

        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                handler.handleRequest(Fixtures.event(List.of(good, foreign)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SomeOtherTable");
    }

    @Test
    void shouldHandleTheConsoleSampleEvent() {
        DynamodbEvent sample = EventLoader.loadDynamoDbEvent(
                LocalDynamo.repoRoot().resolve("events/retention/stream-ttl-deletion.json").toString());

        StreamsEventResponse response = handler.handleRequest(sample, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        String consentId = "5b1e7f0c-2f7e-4c55-9b7e-0d3c2a9f1e11";
        assertThat(services.engine().receipts().find(Hashes.sha256Hex("receipt|"
                + Hashes.sha256Hex("consents/pk=CONSENT#" + consentId + "|sk=V#000002") + "|1795391000"))).isPresent();
    }
}
