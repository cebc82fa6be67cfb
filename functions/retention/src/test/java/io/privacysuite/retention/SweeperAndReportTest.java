package io.privacysuite.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Hashes;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.LegalHold;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SweeperAndReportTest extends LocalDynamoTest {
    static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @BeforeAll
    static void startEngine() {
        start(new RetentionPolicy(12, Duration.ofHours(72), 24,
                io.privacysuite.core.retention.FiscalCalendar.CALENDAR_YEAR_TEN, Duration.ofHours(48)),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void shouldSweepOnlyWhatIsOverdueBeyondTheGrace_withCascadeAndReceipts_andSkipHeldItems() {
        fx.site("sweep-shop", "sweep-acct");
        String overdue = UUID.randomUUID().toString();
        String withinGrace = UUID.randomUUID().toString();
        String held = UUID.randomUUID().toString();
        String live = UUID.randomUUID().toString();
        Instant longAgo = NOW.minus(Duration.ofDays(5));
        fx.consent("sweep-shop", overdue, 1, longAgo.minus(Duration.ofDays(365)), longAgo.minusSeconds(60));
        fx.consent("sweep-shop", overdue, 2, longAgo.minus(Duration.ofDays(364)), longAgo);
        fx.consent("sweep-shop", withinGrace, 1, NOW.minus(Duration.ofDays(366)), NOW.minus(Duration.ofHours(47)));
        fx.consent("sweep-shop", held, 1, longAgo.minus(Duration.ofDays(365)), longAgo);
        fx.consent("sweep-shop", live, 1, NOW.minus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(362)));
        services.holds().place(LegalHold.Scope.SUBJECT, held, "complaint", "dpo@example.com");

        Sweeper.Result result = services.sweeper().sweep(NOW, () -> true);

        assertThat(result.complete()).isTrue();
        assertThat(result.cutoff()).isEqualTo(NOW.minus(Duration.ofHours(48)));
        assertThat(result.erased().get(Source.CONSENTS)).isEqualTo(2);
        assertThat(result.skippedHeld()).isEqualTo(1);
        assertThat(db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(overdue, 1))).isNull();
        assertThat(db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(overdue, 2))).isNull();
        assertThat(db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(withinGrace, 1))).isNotNull();
        assertThat(db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(held, 1))).isNotNull();
        assertThat(db.get(LocalDynamo.TABLES.consents(), Fixtures.consentKey(live, 1))).isNotNull();
        List<Receipt> receipts = db.scan(LocalDynamo.TABLES.receipts()).stream().map(DeletionReceiptsTable::fromItem)
                .filter(r -> r.cause() == Cause.SWEEPER).toList();
        assertThat(receipts).hasSize(2).allSatisfy(r -> {
            assertThat(r.deletedAt()).isEqualTo(NOW);
            assertThat(r.category()).isEqualTo(DataCategory.END_USER);
        });
        // A second run finds nothing more to do.
        assertThat(services.sweeper().sweep(NOW, () -> true).erased().get(Source.CONSENTS)).isZero();
    }

    @Test
    void shouldStopCleanly_whenOutOfTime() {
        Sweeper.Result result = services.sweeper().sweep(NOW, () -> false);
        assertThat(result.complete()).isFalse();
    }

    @Test
    void shouldReportExpiringCountsPerCategory_andTheReceiptsOfAPeriod() {
        String soon = UUID.randomUUID().toString();
        fx.site("report-shop", "report-acct");
        fx.consent("report-shop", soon, 1, NOW.minus(Duration.ofDays(360)), NOW.plus(Duration.ofDays(5)));
        fx.consent("report-shop", UUID.randomUUID().toString(), 1, NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(65)));
        services.accounts().putItem("report-acct", "SYS#cache", DataCategory.SYSTEM, Map.of(), NOW);
        RetentionAdminHandler admin = new RetentionAdminHandler(services);

        Map<String, Object> expiring = admin.handleRequest(Map.of("action", "expiringReport", "days", 30), null);
        JsonNode report = Json.MAPPER.valueToTree(expiring);

        assertThat(report.path("categories").path("end_user").path("expiringWithinDays").asInt()).isGreaterThanOrEqualTo(1);
        long within30 = db.scan(LocalDynamo.TABLES.consents()).stream()
                .filter(i -> i.containsKey("expiresAt"))
                .map(i -> Long.parseLong(i.get("expiresAt").n()))
                .filter(t -> t > NOW.getEpochSecond() && t <= NOW.plus(Duration.ofDays(30)).getEpochSecond()).count();
        assertThat(report.path("categories").path("end_user").path("expiringWithinDays").asLong()).isEqualTo(within30);

        String gone = UUID.randomUUID().toString();
        fx.consent("report-shop", gone, 1, NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(10)));
        services.sweeper().sweep(NOW, () -> true);
        JsonNode receipts = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "receiptsReport",
                "from", NOW.toString().substring(0, 10), "to", NOW.toString().substring(0, 10), "limit", 1000), null));
        assertThat(receipts.path("byCategory").path("end_user").path("sweeper").asInt()).isGreaterThanOrEqualTo(1);
        String goneHash = Hashes.sha256Hex("consents/pk=CONSENT#" + gone + "|sk=V#000001");
        assertThat(receipts.path("receipts").findValuesAsText("keyHash")).contains(goneHash);
        // Receipts never carry the deleted data or its key in clear.
        assertThat(receipts.toString()).doesNotContain(gone).doesNotContain("192.0.2.0");
        JsonNode none = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "receiptsReport",
                "from", "2020-01-01", "to", "2020-01-02"), null));
        assertThat(none.path("total").asInt()).isZero();
    }

    @Test
    void shouldAnswerRefusals_asErrorsTheConsoleShows() {
        RetentionAdminHandler admin = new RetentionAdminHandler(services);
        assertThat(admin.handleRequest(Map.of("action", "nope"), null)).containsKey("error");
        assertThat(admin.handleRequest(Map.of("action", "expiringReport", "days", 0), null)).containsKey("error");
        assertThat(admin.handleRequest(Map.of("action", "placeLegalHold", "scope", "planet", "scopeId", "x",
                "reason", "r", "placedBy", "p"), null)).containsKey("error");
        assertThat(admin.handleRequest(Map.of("action", "releaseLegalHold", "holdId", "missing",
                "releasedBy", "p", "reason", "r"), null)).containsKey("error");
    }

    @Test
    void shouldRecordWhoPlacedAndLiftedAHold_andListIt() {
        RetentionAdminHandler admin = new RetentionAdminHandler(services);
        JsonNode placed = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "placeLegalHold",
                "scope", "account", "scopeId", "hold-acct", "reason", "tax audit", "placedBy", "legal@example.com"), null));
        String holdId = placed.path("holdId").asText();

        JsonNode released = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "releaseLegalHold",
                "holdId", holdId, "releasedBy", "cfo@example.com", "reason", "audit closed"), null));
        JsonNode again = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "releaseLegalHold",
                "holdId", holdId, "releasedBy", "someone@example.com", "reason", "again"), null));
        JsonNode list = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "listLegalHolds"), null));

        assertThat(placed.path("status").asText()).isEqualTo("active");
        assertThat(placed.path("placedBy").asText()).isEqualTo("legal@example.com");
        assertThat(released.path("status").asText()).isEqualTo("released");
        assertThat(released.path("releasedBy").asText()).isEqualTo("cfo@example.com");
        assertThat(again.path("alreadyReleased").asBoolean()).isTrue();
        assertThat(again.path("releasedBy").asText()).isEqualTo("cfo@example.com");
        assertThat(list.path("holds").findValuesAsText("holdId")).contains(holdId);
    }

    @Test
    void receiptIdsAreDeterministic_andHashTheKeyOnly() {
        StoredItem item = new StoredItem(Source.CONSENTS, Map.of("pk", AttributeValue.fromS("CONSENT#visitor-q"),
                "sk", AttributeValue.fromS("V#000001"), "expiresAt", AttributeValue.fromN("100"),
                "ipAnonymized", AttributeValue.fromS("192.0.2.0")));
        Receipt a = Receipt.of(item, "end_user_12m", Instant.ofEpochSecond(100), NOW, Cause.TTL, null);
        Receipt b = Receipt.of(item, "end_user_12m", Instant.ofEpochSecond(100), NOW.plusSeconds(5), Cause.SWEEPER, null);
        StoredItem later = new StoredItem(Source.CONSENTS, Map.of("pk", AttributeValue.fromS("CONSENT#visitor-q"),
                "sk", AttributeValue.fromS("V#000001"), "expiresAt", AttributeValue.fromN("200")));

        assertThat(a.receiptId()).isEqualTo(b.receiptId());
        assertThat(Receipt.of(later, "r", null, NOW, Cause.TTL, null).receiptId()).isNotEqualTo(a.receiptId());
        assertThat(a.keyHash()).hasSize(64).isEqualTo(Hashes.sha256Hex("consents/pk=CONSENT#visitor-q|sk=V#000001"));
        assertThat(DeletionReceiptsTable.toItem(a).toString()).doesNotContain("visitor-q").doesNotContain("192.0.2.0");
        assertThat(DeletionReceiptsTable.fromItem(DeletionReceiptsTable.toItem(a))).isEqualTo(a);
        assertThat(LocalDate.parse(DeletionReceiptsTable.toItem(a).get("byDayPk").s().substring(0, 10))).isEqualTo(LocalDate.of(2026, 11, 22));
    }
}
