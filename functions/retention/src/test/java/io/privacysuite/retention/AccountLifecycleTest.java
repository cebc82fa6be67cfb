package io.privacysuite.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.core.Hashes;
import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.LegalHold;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class AccountLifecycleTest extends LocalDynamoTest {
    static final Instant NOW = Instant.parse("2026-05-12T09:00:00Z");
    static final Instant CANCELLED_AT = Instant.parse("2026-05-10T12:00:00Z");

    @BeforeAll
    static void startEngine() {
        start(new RetentionPolicy(12), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** An account with every category: profile + invoice (account), usage counter (system), 2 sites, consents. */
    record Account(String id, String site1, String site2, String consent1, String consent2) {}

    private Account account() {
        String id = "acct-" + UUID.randomUUID().toString().substring(0, 8);
        Account a = new Account(id, id + "-shop", id + "-blog", UUID.randomUUID().toString(), UUID.randomUUID().toString());
        services.accounts().upsertProfile(id, "Acme", "4242", null, NOW.minusSeconds(86400 * 100));
        services.accounts().putItem(id, "INVOICE#1", DataCategory.ACCOUNT, Map.of("amountCents", AttributeValue.fromN("4900")),
                NOW.minusSeconds(86400 * 50));
        services.accounts().putItem(id, "SYS#usage#2026-05", DataCategory.SYSTEM, Map.of("consents", AttributeValue.fromN("2")),
                NOW.minusSeconds(3600));
        fx.site(a.site1(), id);
        fx.site(a.site2(), id);
        Instant recorded = NOW.minusSeconds(86400 * 30);
        Instant expires = recorded.atOffset(ZoneOffset.UTC).plusMonths(12).toInstant();
        fx.consent(a.site1(), a.consent1(), 1, recorded, expires);
        fx.consent(a.site1(), a.consent1(), 2, recorded.plusSeconds(60), expires.plusSeconds(60));
        fx.consent(a.site2(), a.consent2(), 1, recorded.minusSeconds(86400 * 200), expires.minusSeconds(86400 * 200));
        return a;
    }

    private Map<String, AttributeValue> profile(String id) {
        return db.get(LocalDynamo.TABLES.accounts(), AccountsTable.key(id, AccountsTable.PROFILE_SK));
    }

    private Map<String, AttributeValue> accountItem(String id, String sk) {
        return db.get(LocalDynamo.TABLES.accounts(), AccountsTable.key(id, sk));
    }

    private Map<String, AttributeValue> site(String siteId) {
        return db.get(LocalDynamo.TABLES.sites(), Map.of("siteId", AttributeValue.fromS(siteId)));
    }

    private Map<String, AttributeValue> consent(String id, int version) {
        return db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(id, version));
    }

    private Map<String, Long> cancellationReceiptsByCategory(List<String> keyHashes) {
        return db.scan(LocalDynamo.TABLES.receipts()).stream().map(DeletionReceiptsTable::fromItem)
                .filter(r -> keyHashes.contains(r.keyHash()))
                .peek(r -> assertThat(r.cause()).isEqualTo(Cause.CANCELLATION))
                .collect(Collectors.groupingBy(r -> r.category().wire(), Collectors.counting()));
    }

    private static String hash(String canonical) {
        return Hashes.sha256Hex(canonical);
    }

    private List<String> hashes(Account a) {
        return List.of(hash("sites/siteId=" + a.site1()), hash("sites/siteId=" + a.site2()),
                hash("consents/pk=CONSENT#" + a.consent1() + "|sk=V#000001"),
                hash("consents/pk=CONSENT#" + a.consent1() + "|sk=V#000002"),
                hash("consents/pk=CONSENT#" + a.consent2() + "|sk=V#000001"),
                hash("accounts/pk=ACCOUNT#" + a.id() + "|sk=SYS#usage#2026-05"));
    }

    @Test
    void shouldEraseConfigurationSystemAndEndUserDataAtOnce_andKeepAccountDataTenFullFiscalYears() {
        Account a = account();
        Account bystander = account();

        AccountLifecycle.Cancellation result = services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        assertThat(result.applied()).isEqualTo(AccountLifecycle.Applied.APPLIED);
        assertThat(result.accountErasureAt()).isEqualTo(Instant.parse("2037-01-01T00:00:00Z"));
        assertThat(site(a.site1())).isNull();
        assertThat(site(a.site2())).isNull();
        assertThat(consent(a.consent1(), 1)).isNull();
        assertThat(consent(a.consent1(), 2)).isNull();
        assertThat(consent(a.consent2(), 1)).isNull();
        assertThat(accountItem(a.id(), "SYS#usage#2026-05")).isNull();
        Map<String, AttributeValue> profile = profile(a.id());
        assertThat(profile.get("status").s()).isEqualTo("cancelled");
        assertThat(profile.get("billingLast4").s()).isEqualTo("4242");
        assertThat(profile.get("expiresAt").n()).isEqualTo(Long.toString(Instant.parse("2037-01-01T00:00:00Z").getEpochSecond()));
        assertThat(profile.get("retentionRule").s()).isEqualTo("account_tax_10fy_01-01");
        assertThat(accountItem(a.id(), "INVOICE#1").get("expiresAt").n()).isEqualTo(profile.get("expiresAt").n());
        assertThat(cancellationReceiptsByCategory(hashes(a)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("configuration", 2L, "end_user", 3L, "system", 1L));
        // Another account's data is untouched.
        assertThat(site(bystander.site1())).isNotNull();
        assertThat(consent(bystander.consent1(), 2)).isNotNull();
        assertThat(profile(bystander.id()).get("status").s()).isEqualTo("active");
        assertThat(profile(bystander.id())).doesNotContainKey("expiresAt");
    }

    @Test
    void aContactAddress_shouldBeStoredCanonicalOnTheProfile_refusedWhenUnsendable_andExpireWithTheAccountData() {
        Account a = account();
        services.accounts().upsertProfile(a.id(), null, null, " Billing@ACME.Example ", NOW);
        services.accounts().upsertProfile(a.id(), "Acme 2", null, null, NOW);

        assertThat(profile(a.id()).get(AccountsTable.EMAIL).s()).as("kept by an update without one")
                .isEqualTo("billing@acme.example");
        for (String bad : List.of("", "not an address", "a@b", "x@example.org\r\nBcc: y@example.org")) {
            assertThatThrownBy(() -> services.accounts().upsertProfile(a.id(), null, null, bad, NOW))
                    .as(bad).hasMessage("email must be an address the notifier can send to");
        }
        assertThat(profile(a.id()).get(AccountsTable.EMAIL).s()).isEqualTo("billing@acme.example");

        services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);
        Map<String, AttributeValue> cancelled = profile(a.id());
        // On the profile: the account data's expiry (ten fiscal years) removes the address with it.
        assertThat(cancelled.get(AccountsTable.EMAIL).s()).isEqualTo("billing@acme.example");
        assertThat(RetentionPolicy.expiryOf(cancelled)).contains(Instant.parse("2037-01-01T00:00:00Z"));
    }

    @Test
    void shouldBeIdempotent_whenTheCancellationIsRedelivered() {
        Account a = account();
        services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);
        long receipts = db.scan(LocalDynamo.TABLES.receipts()).size();

        AccountLifecycle.Cancellation again = services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        assertThat(again.applied()).isEqualTo(AccountLifecycle.Applied.APPLIED);
        assertThat(db.scan(LocalDynamo.TABLES.receipts())).hasSize((int) receipts);
    }

    @Test
    void shouldRestoreNormalRules_whenReactivatedBeforeErasure_andIgnoreALateCancellationMessage() {
        Account a = account();
        services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        AccountLifecycle.Reactivation r = services.lifecycle().reactivate(a.id(), CANCELLED_AT.plusSeconds(3600), NOW);
        AccountLifecycle.Cancellation late = services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        assertThat(r.applied()).isEqualTo(AccountLifecycle.Applied.APPLIED);
        assertThat(r.restored()).isEqualTo(1); // the invoice
        assertThat(late.applied()).isEqualTo(AccountLifecycle.Applied.STALE);
        Map<String, AttributeValue> profile = profile(a.id());
        assertThat(profile.get("status").s()).isEqualTo("active");
        assertThat(profile).doesNotContainKeys("expiresAt", "heldExpiresAt", "cancelledAt", "normalExpiresAt");
        assertThat(accountItem(a.id(), "INVOICE#1")).doesNotContainKeys("expiresAt", "normalExpiresAt");
    }

    @Test
    void shouldRefuseReactivation_afterTheAccountDataWasDue() {
        Account a = account();
        services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);
        Instant after = Instant.parse("2037-01-02T00:00:00Z");

        AccountLifecycle.Reactivation r = services.lifecycle().reactivate(a.id(), after, after);

        assertThat(r.applied()).isEqualTo(AccountLifecycle.Applied.TOO_LATE);
        assertThat(profile(a.id()).get("status").s()).isEqualTo("cancelled");
    }

    @Test
    void shouldEraseNothingUnderAnAccountHold_andResumeEverythingWhenItIsLifted() {
        Account a = account();
        HoldService.Placed hold = services.holds().place(LegalHold.Scope.ACCOUNT, a.id(), "tax audit", "legal@example.com");
        assertThat(hold.parked()).isEqualTo(3); // the three consent versions had TTLs

        AccountLifecycle.Cancellation c = services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        assertThat(c.erased()).isEmpty();
        assertThat(site(a.site1())).isNotNull().doesNotContainKey("expiresAt");
        assertThat(site(a.site1()).get("heldExpiresAt").n()).isEqualTo(Long.toString(CANCELLED_AT.getEpochSecond()));
        assertThat(consent(a.consent1(), 2)).doesNotContainKey("expiresAt");
        assertThat(accountItem(a.id(), "SYS#usage#2026-05")).isNotNull().doesNotContainKey("expiresAt");
        assertThat(profile(a.id())).doesNotContainKey("expiresAt");
        assertThat(profile(a.id()).get("heldExpiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2037-01-01T00:00:00Z").getEpochSecond()));
        // Readers treat the cancelled site as gone even though the hold keeps it.
        assertThat(new DynamoDbSiteRegistry(db.dynamo, LocalDynamo.TABLES.sites(), LocalDynamo.POLICY, Clock.systemUTC()).find(a.site1())).isEmpty();
        // Neither the sweeper nor the TTL stream may touch held items.
        RetentionServices later = db.services(new RetentionPolicy(12), Clock.fixed(NOW.plusSeconds(86400 * 30), ZoneOffset.UTC));
        assertThat(later.sweeper().sweep(NOW.plusSeconds(86400 * 30), () -> true).skippedHeld()).isGreaterThanOrEqualTo(6);
        assertThat(site(a.site1())).isNotNull();

        HoldService.Released released = services.holds().release(hold.hold().holdId(), "legal@example.com", "audit closed");

        assertThat(released.changed()).isTrue();
        assertThat(released.hold().releasedBy()).isEqualTo("legal@example.com");
        assertThat(released.resumed()).isEqualTo(8); // 2 sites, 3 consents, system item, invoice, profile
        assertThat(site(a.site1()).get("expiresAt").n()).isEqualTo(Long.toString(CANCELLED_AT.getEpochSecond()));
        assertThat(profile(a.id()).get("expiresAt").n())
                .isEqualTo(Long.toString(Instant.parse("2037-01-01T00:00:00Z").getEpochSecond()));
        // Past its (cancellation) expiry, a resumed item goes with the sweeper (or TTL) and its receipt.
        Sweeper.Result swept = later.sweeper().sweep(NOW.plusSeconds(86400 * 30), () -> true);
        assertThat(swept.complete()).isTrue();
        assertThat(site(a.site1())).isNull();
        assertThat(consent(a.consent2(), 1)).isNull();
        assertThat(accountItem(a.id(), "SYS#usage#2026-05")).isNull();
        assertThat(profile(a.id())).isNotNull();
    }

    @Test
    void shouldGiveHeldItemsTheirNormalRulesBack_whenReactivatedUnderHold() {
        Account a = account();
        Map<String, AttributeValue> before = consent(a.consent1(), 2);
        HoldService.Placed hold = services.holds().place(LegalHold.Scope.ACCOUNT, a.id(), "dispute", "legal@example.com");
        services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        services.lifecycle().reactivate(a.id(), CANCELLED_AT.plusSeconds(60), NOW);
        services.holds().release(hold.hold().holdId(), "legal@example.com", "settled");

        assertThat(consent(a.consent1(), 2).get("expiresAt")).isEqualTo(before.get("expiresAt"));
        assertThat(consent(a.consent1(), 2)).doesNotContainKeys("heldExpiresAt", "normalExpiresAt", "parkedSiteId");
        assertThat(site(a.site1())).doesNotContainKeys("expiresAt", "heldExpiresAt");
        assertThat(accountItem(a.id(), "SYS#usage#2026-05")).doesNotContainKeys("expiresAt", "heldExpiresAt");
        assertThat(new DynamoDbSiteRegistry(db.dynamo, LocalDynamo.TABLES.sites(), LocalDynamo.POLICY, Clock.systemUTC()).find(a.site1())).isPresent();
    }

    @Test
    void shouldKeepASubjectHeld_whenOnlyTheAccountHoldIsLifted() {
        Account a = account();
        HoldService.Placed accountHold = services.holds().place(LegalHold.Scope.ACCOUNT, a.id(), "audit", "legal@example.com");
        services.holds().place(LegalHold.Scope.SUBJECT, a.consent1(), "complaint", "dpo@example.com");
        services.lifecycle().cancel(a.id(), CANCELLED_AT, NOW);

        HoldService.Released released = services.holds().release(accountHold.hold().holdId(), "legal@example.com", "done");

        assertThat(released.stillHeld()).isEqualTo(2);
        assertThat(consent(a.consent1(), 1)).doesNotContainKey("expiresAt").containsKey("heldExpiresAt");
        assertThat(consent(a.consent2(), 1)).containsKey("expiresAt");
    }

    @Test
    void shouldApplyTheConsoleSampleMessages_andRejectMalformedOnesForTheDeadLetterQueue() {
        AccountLifecycleHandler handler = new AccountLifecycleHandler(services);
        for (String name : List.of("account-created", "invoice-issued", "account-cancelled", "account-reactivated")) {
            SQSEvent event = EventLoader.loadSQSEvent(
                    LocalDynamo.repoRoot().resolve("events/retention/lifecycle-" + name + ".json").toString());
            assertThat(handler.handleRequest(event, null).getBatchItemFailures()).as(name).isEmpty();
        }
        assertThat(profile("acme").get("status").s()).isEqualTo("active");
        assertThat(profile("acme").get("billingLast4").s()).isEqualTo("4242");
        assertThat(accountItem("acme", "INVOICE#2026-0001")).doesNotContainKey("expiresAt");

        SQSEvent bad = new SQSEvent();
        SQSEvent.SQSMessage notJson = new SQSEvent.SQSMessage();
        notJson.setMessageId("m1");
        notJson.setBody("cancel acme please");
        SQSEvent.SQSMessage fullCard = new SQSEvent.SQSMessage();
        fullCard.setMessageId("m2");
        fullCard.setBody("{\"type\":\"updated\",\"accountId\":\"acme\",\"occurredAt\":\"2026-06-01T00:00:00Z\","
                + "\"billingLast4\":\"4111111111111111\"}");
        SQSEvent.SQSMessage fine = new SQSEvent.SQSMessage();
        fine.setMessageId("m3");
        fine.setBody("{\"type\":\"updated\",\"accountId\":\"acme\",\"occurredAt\":\"2026-06-01T00:00:00Z\",\"name\":\"ACME\"}");
        bad.setRecords(List.of(notJson, fullCard, fine));

        SQSBatchResponse response = handler.handleRequest(bad, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m1", "m2");
        assertThat(profile("acme").get("billingLast4").s()).isEqualTo("4242");
        assertThat(profile("acme").get("name").s()).isEqualTo("ACME");
    }

    @Test
    void shouldRefuseMessagesWithoutTypeAccountOrTime() {
        assertThatThrownBy(() -> LifecycleEvent.parse("{\"type\":\"deleted\",\"accountId\":\"a\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}"))
                .hasMessageContaining("type must be");
        assertThatThrownBy(() -> LifecycleEvent.parse("{\"type\":\"cancelled\",\"accountId\":\"a b\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}"))
                .hasMessageContaining("accountId");
        assertThatThrownBy(() -> LifecycleEvent.parse("{\"type\":\"cancelled\",\"accountId\":\"a\",\"occurredAt\":\"yesterday\"}"))
                .hasMessageContaining("occurredAt");
    }
}
