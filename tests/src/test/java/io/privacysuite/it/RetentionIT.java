package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.core.Hashes;
import io.privacysuite.core.Json;
import io.privacysuite.local.events.DynamodbEvents;
import io.privacysuite.retention.Cause;
import io.privacysuite.retention.DeletionReceiptsTable;
import io.privacysuite.retention.Receipt;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The retention engine on the local suite, where DynamoDB Local's TTL really deletes: expired items reach
 * RetentionStreamFunction through the template's filtered stream mappings, which cascades and writes receipts;
 * account lifecycle messages go through the real queue; legal holds and reports through the operator function.
 */
class RetentionIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    DynamoDbClient dynamo;
    String consents;
    String sites;
    String accounts;
    String receipts;

    /** Its own stack: the TTL worker reaches an expired item of a small table in one pass (see TestBackends). */
    @BeforeAll
    static void ownStack() {
        stack = TestBackends.ttlStack();
    }

    @BeforeEach
    void tables() {
        Assumptions.assumeTrue(stack.endpoints().realTimeTtl(), "this backend sweeps TTL hourly");
        dynamo = stack.awsClients().dynamoDb();
        consents = stack.resources().tableName("ConsentsTable");
        sites = stack.resources().tableName("SitesTable");
        accounts = stack.resources().tableName("AccountsTable");
        receipts = stack.resources().tableName("DeletionReceiptsTable");
    }

    // ------------------------------------------------------------------ helpers

    private ConsentRecord consent(String siteId, String consentId, int version, Instant recordedAt, Instant expiresAt) {
        ConsentRecord record = ConsentRecord.builder().consentId(consentId).version(version).siteId(siteId)
                .siteGroup("group").categories(Categories.NONE).method(ConsentMethod.REJECT_ALL).bannerVersion("v1")
                .pageUrl("https://" + siteId + ".example/").ipAnonymized("192.0.2.0").recordedAt(recordedAt)
                .validUntil(expiresAt).expiresAt(expiresAt).retentionRule("end_user_12m").key("k.sig").build();
        assertThat(new DynamoDbConsentStore(dynamo, consents, ConsentsTable.DEFAULT_SHARDS).append(record)).isTrue();
        return record;
    }

    private static Map<String, AttributeValue> consentKey(String consentId, int version) {
        return Map.of("pk", AttributeValue.fromS("CONSENT#" + consentId),
                "sk", AttributeValue.fromS(String.format("V#%06d", version)));
    }

    private Map<String, AttributeValue> item(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Map<String, AttributeValue> siteKey(String siteId) {
        return Map.of("siteId", AttributeValue.fromS(siteId));
    }

    private static Map<String, AttributeValue> accountKey(String accountId, String sk) {
        return Map.of("pk", AttributeValue.fromS("ACCOUNT#" + accountId), "sk", AttributeValue.fromS(sk));
    }

    private static String consentHash(String consentId, int version) {
        return Hashes.sha256Hex("consents/pk=CONSENT#" + consentId + "|sk=" + String.format("V#%06d", version));
    }

    private List<Receipt> receiptsOf(Set<String> keyHashes) {
        return dynamo.scanPaginator(s -> s.tableName(receipts)).items().stream()
                .filter(i -> keyHashes.contains(i.get("keyHash").s())).map(DeletionReceiptsTable::fromItem).toList();
    }

    private void send(Map<String, Object> message) {
        stack.awsClients().sqs().sendMessage(r -> r.queueUrl(stack.resources().queueUrl("AccountLifecycleQueue"))
                .messageBody(Json.write(message)));
    }

    private JsonNode admin(Map<String, Object> action) {
        JsonNode answer = stack.functions().invokeForJson("RetentionAdminFunction", action);
        assertThat(answer.has("error")).as("admin answer %s", answer).isFalse();
        return answer;
    }

    /** A site through the operator function, a consent through the public HTTP API (the real write path). */
    private String recordConsentOverHttp(String siteId) {
        var response = http("POST", "/v1/sites/" + siteId + "/consents",
                "{\"method\":\"accept_all\",\"bannerVersion\":\"v1\",\"pageUrl\":\"https://" + siteId + ".example/\"}",
                "origin", "https://" + siteId + ".example");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response).path("consentId").asText();
    }

    // ------------------------------------------------------------------ tests

    @Test
    void expiredConsent_isDeletedByTtl_streamedToTheConsumer_cascadedAndReceipted() {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // Versions written under a longer policy outlive the newest one, which expires now: the cascade takes them.
        consent("ttl-site", id, 1, now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(65)));
        consent("ttl-site", id, 2, now.minus(Duration.ofDays(200)), now.plus(Duration.ofDays(165)));
        consent("ttl-site", id, 3, now.minus(Duration.ofDays(190)), now.minusSeconds(1));
        String untouched = UUID.randomUUID().toString();
        consent("ttl-site", untouched, 1, now, now.plus(Duration.ofDays(365)));
        String clientDeleted = UUID.randomUUID().toString();
        consent("ttl-site", clientDeleted, 1, now, now.plus(Duration.ofDays(365)));
        dynamo.deleteItem(d -> d.tableName(consents).key(consentKey(clientDeleted, 1)));

        Set<String> hashes = Set.of(consentHash(id, 1), consentHash(id, 2), consentHash(id, 3));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> receiptsOf(hashes).size() == 3);

        assertThat(item(consents, consentKey(id, 1))).isNull();
        assertThat(item(consents, consentKey(id, 2))).isNull();
        assertThat(item(consents, consentKey(untouched, 1))).isNotNull();
        List<Receipt> written = receiptsOf(hashes);
        Receipt trigger = written.stream().filter(r -> r.keyHash().equals(consentHash(id, 3))).findFirst().orElseThrow();
        assertThat(trigger.cause()).isEqualTo(Cause.TTL);
        assertThat(trigger.cascadeOf()).isNull();
        assertThat(trigger.expiresAt()).isEqualTo(now.minusSeconds(1));
        assertThat(trigger.rule()).isEqualTo("end_user_12m");
        assertThat(written).filteredOn(r -> r != trigger).allSatisfy(r -> {
            assertThat(r.cascadeOf()).isEqualTo(trigger.receiptId());
            assertThat(r.cause()).isEqualTo(Cause.TTL);
        });
        // A client's own delete is filtered out by the template's FilterCriteria: no receipt.
        assertThat(receiptsOf(Set.of(consentHash(clientDeleted, 1)))).isEmpty();
        // Receipts carry no personal data: neither the consent id nor the (anonymized) IP.
        assertThat(dynamo.scanPaginator(s -> s.tableName(receipts)).items().toString())
                .doesNotContain(id).doesNotContain("192.0.2.0");
    }

    @Test
    void replayedStreamBatch_writesNoDuplicateReceipts() {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        consent("replay-site", id, 1, now.minus(Duration.ofDays(366)), now.minusSeconds(2));
        consent("replay-site", id, 2, now.minus(Duration.ofDays(365)), now.minusSeconds(1));
        Set<String> hashes = Set.of(consentHash(id, 1), consentHash(id, 2));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> receiptsOf(hashes).size() == 2);
        List<Receipt> before = receiptsOf(hashes);
        long total = dynamo.scanPaginator(s -> s.tableName(receipts)).items().stream().count();

        // The very records DynamoDB streamed, read back from the stream and delivered again (twice).
        ObjectNode event = Json.object();
        ArrayNode records = event.putArray("Records");
        String arn = stack.resources().streamArn("ConsentsTable").orElseThrow();
        for (Record r : streamRecords(arn)) {
            if (r.userIdentity() != null && r.dynamodb().oldImage() != null
                    && r.dynamodb().oldImage().get("pk").s().equals("CONSENT#" + id)) {
                records.add(DynamodbEvents.lambdaRecord(r, arn, stack.endpoints().region()));
            }
        }
        assertThat(records).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode response = stack.functions().invokeForJson("RetentionStreamFunction", event.toString());
            assertThat(response.path("batchItemFailures")).isEmpty();
        }

        assertThat(receiptsOf(hashes)).containsExactlyInAnyOrderElementsOf(before);
        assertThat(dynamo.scanPaginator(s -> s.tableName(receipts)).items().stream().count()).isEqualTo(total);
    }

    private List<Record> streamRecords(String arn) {
        DynamoDbStreamsClient streams = stack.awsClients().dynamoDbStreams();
        List<Record> out = new java.util.ArrayList<>();
        for (var shard : streams.describeStream(d -> d.streamArn(arn)).streamDescription().shards()) {
            String iterator = streams.getShardIterator(g -> g.streamArn(arn).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                var page = streams.getRecords(g -> g.shardIterator(current).limit(1000));
                out.addAll(page.records());
                iterator = page.records().isEmpty() ? null : page.nextShardIterator();
            }
        }
        return out;
    }

    @Test
    void cancellationThroughTheQueue_erasesConfigurationSystemAndEndUserData_andTimesAccountData() {
        String group = uniqueId("cxl");
        String account = "acct-" + group;
        String siteId = group + "-shop";
        registerSite(siteId, group, "v1", "https://" + siteId + ".example");
        String consentId = recordConsentOverHttp(siteId);
        send(Map.of("type", "created", "accountId", account, "occurredAt", "2026-01-15T09:00:00Z",
                "name", "Cancel Co", "billingLast4", "4242"));
        send(Map.of("type", "invoiceIssued", "accountId", account, "occurredAt", "2026-02-01T00:00:00Z",
                "invoice", Map.of("number", "INV-1", "amountCents", 4900, "currency", "EUR")));
        await().atMost(WAIT).until(() -> item(accounts, accountKey(account, "INVOICE#INV-1")) != null);
        Map<String, AttributeValue> usage = new HashMap<>(accountKey(account, "SYS#usage"));
        usage.put("dataCategory", AttributeValue.fromS("system"));
        dynamo.putItem(p -> p.tableName(accounts).item(usage));
        Instant cancelledAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        send(Map.of("type", "cancelled", "accountId", account, "occurredAt", cancelledAt.toString()));

        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> item(sites, siteKey(siteId)) == null && item(consents, consentKey(consentId, 1)) == null
                        && item(accounts, accountKey(account, "SYS#usage")) == null);
        Map<String, AttributeValue> profile = item(accounts, accountKey(account, "PROFILE"));
        long fiscal = java.time.LocalDate.ofInstant(cancelledAt, java.time.ZoneOffset.UTC).withDayOfYear(1)
                .plusYears(11).atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond();
        assertThat(profile.get("status").s()).isEqualTo("cancelled");
        assertThat(profile.get("billingLast4").s()).isEqualTo("4242");
        assertThat(Long.parseLong(profile.get("expiresAt").n())).isEqualTo(fiscal);
        assertThat(Long.parseLong(item(accounts, accountKey(account, "INVOICE#INV-1")).get("expiresAt").n())).isEqualTo(fiscal);
        Map<String, Set<String>> causesByCategory = receiptsOf(Set.of(Hashes.sha256Hex("sites/siteId=" + siteId),
                consentHash(consentId, 1), Hashes.sha256Hex("accounts/pk=ACCOUNT#" + account + "|sk=SYS#usage"))).stream()
                .collect(Collectors.groupingBy(r -> r.category().wire(),
                        Collectors.mapping(r -> r.cause().wire(), Collectors.toSet())));
        assertThat(causesByCategory).containsOnlyKeys("configuration", "end_user", "system")
                .allSatisfy((category, causes) -> assertThat(causes).containsExactly("cancellation"));
        // The consent API no longer knows the site.
        assertThat(get("/v1/sites/" + siteId + "/consents/" + consentId + "/verify?key=x").statusCode()).isEqualTo(404);
        assertThat(admin(Map.of("action", "accountStatus", "accountId", account)).path("status").asText())
                .isEqualTo("cancelled");

        // Reactivation before the account data's erasure restores its normal rule: no expiry while active.
        send(Map.of("type", "reactivated", "accountId", account, "occurredAt", cancelledAt.plusSeconds(5).toString()));
        await().atMost(WAIT).until(() -> "active".equals(item(accounts, accountKey(account, "PROFILE")).get("status").s()));
        assertThat(item(accounts, accountKey(account, "PROFILE"))).doesNotContainKeys("expiresAt", "cancelledAt");
        assertThat(item(accounts, accountKey(account, "INVOICE#INV-1"))).doesNotContainKey("expiresAt");
    }

    @Test
    void accountDataOfALongAgoCancellation_isErasedByTtl_withAccountReceipts() {
        String account = uniqueId("old");
        send(Map.of("type", "created", "accountId", account, "occurredAt", "2013-01-10T00:00:00Z", "name", "Old Co"));
        send(Map.of("type", "invoiceIssued", "accountId", account, "occurredAt", "2013-02-01T00:00:00Z",
                "invoice", Map.of("number", "2013-7", "amountCents", 100)));
        await().atMost(WAIT).until(() -> item(accounts, accountKey(account, "INVOICE#2013-7")) != null);

        // Cancelled in 2014: ten full fiscal years 2015..2024, erased at 2025-01-01, already past.
        send(Map.of("type", "cancelled", "accountId", account, "occurredAt", "2014-03-01T00:00:00Z"));

        Set<String> hashes = Set.of(Hashes.sha256Hex("accounts/pk=ACCOUNT#" + account + "|sk=PROFILE"),
                Hashes.sha256Hex("accounts/pk=ACCOUNT#" + account + "|sk=INVOICE#2013-7"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> receiptsOf(hashes).size() == 2);
        assertThat(item(accounts, accountKey(account, "PROFILE"))).isNull();
        assertThat(receiptsOf(hashes)).allSatisfy(r -> {
            assertThat(r.category().wire()).isEqualTo("account");
            assertThat(r.rule()).isEqualTo("account_tax_10fy_01-01");
            assertThat(r.expiresAt()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
        });
    }

    @Test
    void legalHold_blocksTtlSweeperAndCancellation_andItsReleaseResumesThem() throws Exception {
        String group = uniqueId("hold");
        String account = "acct-" + group;
        String siteId = group + "-shop";
        registerSite(siteId, group, "v1", "https://" + siteId + ".example");
        String consentId = recordConsentOverHttp(siteId);
        String expiring = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JsonNode hold = admin(Map.of("action", "placeLegalHold", "scope", "account", "scopeId", account,
                "reason", "tax audit", "placedBy", "legal@example.com"));
        assertThat(hold.path("status").asText()).isEqualTo("active");
        // Written after the hold: the engine still must not erase it, whoever notices its expiry.
        consent(siteId, expiring, 1, now.minus(Duration.ofDays(365)), now.plusSeconds(2));
        String control = UUID.randomUUID().toString(); // same expiry, no hold
        consent("control-" + siteId, control, 1, now.minus(Duration.ofDays(365)), now.plusSeconds(2));

        send(Map.of("type", "cancelled", "accountId", account, "occurredAt", now.toString()));
        await().atMost(WAIT).until(() -> item(sites, siteKey(siteId)).containsKey("heldExpiresAt"));
        // The TTL worker has run since the expiry and the stream has cascaded: the unheld control is gone.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> receiptsOf(Set.of(consentHash(control, 1))).size() == 1);
        stack.triggerSchedule("RetentionSweeperFunction");

        assertThat(item(sites, siteKey(siteId))).isNotNull().doesNotContainKey("expiresAt");
        assertThat(item(consents, consentKey(consentId, 1))).isNotNull().doesNotContainKey("expiresAt");
        assertThat(item(consents, consentKey(expiring, 1))).isNotNull().doesNotContainKey("expiresAt");
        assertThat(receiptsOf(Set.of(consentHash(consentId, 1), consentHash(expiring, 1),
                Hashes.sha256Hex("sites/siteId=" + siteId)))).isEmpty();
        JsonNode holds = admin(Map.of("action", "listLegalHolds"));
        assertThat(holds.path("holds").findValuesAsText("holdId")).contains(hold.path("holdId").asText());

        JsonNode released = admin(Map.of("action", "releaseLegalHold", "holdId", hold.path("holdId").asText(),
                "releasedBy", "cfo@example.com", "reason", "audit closed"));

        assertThat(released.path("status").asText()).isEqualTo("released");
        assertThat(released.path("releasedBy").asText()).isEqualTo("cfo@example.com");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() ->
                receiptsOf(Set.of(consentHash(consentId, 1), consentHash(expiring, 1),
                        Hashes.sha256Hex("sites/siteId=" + siteId))).size() == 3);
        assertThat(item(sites, siteKey(siteId))).isNull();
        assertThat(item(consents, consentKey(consentId, 1))).isNull();
        assertThat(item(accounts, accountKey(account, "PROFILE")).get("expiresAt")).isNotNull();
    }

    @Test
    void subjectHold_keepsOneVisitorsConsentPastItsExpiry_untilLifted() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        consent("subject-site", id, 1, now.minus(Duration.ofDays(365)), now.plusSeconds(3));
        String control = UUID.randomUUID().toString(); // same expiry, no hold
        consent("subject-site", control, 1, now.minus(Duration.ofDays(365)), now.plusSeconds(3));
        JsonNode hold = admin(Map.of("action", "placeLegalHold", "scope", "subject", "scopeId", id,
                "reason", "complaint 42", "placedBy", "dpo@example.com"));
        assertThat(hold.path("parkedItems").asInt()).isEqualTo(1);

        // The TTL worker has run since the expiry and the stream has cascaded: the unheld control is gone.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> receiptsOf(Set.of(consentHash(control, 1))).size() == 1);
        assertThat(item(consents, consentKey(id, 1))).isNotNull();

        admin(Map.of("action", "releaseLegalHold", "holdId", hold.path("holdId").asText(),
                "releasedBy", "dpo@example.com", "reason", "resolved"));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> receiptsOf(Set.of(consentHash(id, 1))).size() == 1);
        assertThat(item(consents, consentKey(id, 1))).isNull();
    }

    @Test
    void consoleSampleEvents_andScheduledSweep_run() {
        for (String event : List.of("expiring-report", "receipts-report", "list-holds", "account-status",
                "place-account-hold")) {
            Object answer = stack.functions().invokeEventFile("RetentionAdminFunction",
                    "events/retention/admin-" + event + ".json");
            assertThat(Json.MAPPER.valueToTree(answer).has("error")).as(event).isFalse();
        }
        JsonNode refused = Json.MAPPER.valueToTree(stack.functions().invokeEventFile("RetentionAdminFunction",
                "events/retention/admin-release-hold.json"));
        assertThat(refused.path("error").path("message").asText()).contains("no legal hold");
        JsonNode report = Json.MAPPER.valueToTree(stack.functions().invokeEventFile("RetentionAdminFunction",
                "events/retention/admin-expiring-report.json"));
        assertThat(report.path("categories").has("end_user")).isTrue();
        JsonNode sweep = Json.MAPPER.valueToTree(stack.triggerSchedule("RetentionSweeperFunction"));
        assertThat(sweep.path("complete").asBoolean()).isTrue();
        // Lift the sample's hold again so it does not hold 'acme' for other tests.
        for (JsonNode h : admin(Map.of("action", "listLegalHolds")).path("holds")) {
            if (h.path("scopeId").asText().equals("acme") && h.path("status").asText().equals("active")) {
                admin(Map.of("action", "releaseLegalHold", "holdId", h.path("holdId").asText(),
                        "releasedBy", "test", "reason", "sample cleanup"));
            }
        }
    }
}
