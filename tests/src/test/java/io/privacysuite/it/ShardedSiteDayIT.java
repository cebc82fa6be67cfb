package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.admin.ConsentAdminHandler;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.local.template.LocalResources;
import io.privacysuite.local.template.Template;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The sharded site-day index on DynamoDB Local: every write carries its shard key, a day reads back complete, once and
 * in time order across shards and pages (store and console export), and the upgrade path (the legacy index kept for a
 * deploy, the backfill action) leaves no older consent behind and no item without the shard key.
 */
class ShardedSiteDayIT extends IntegrationTest {
    private static final Random RANDOM = new Random(16);
    private static LocalResources own;
    private static String table;

    /**
     * These tests write a thousand consents: into tables of their own, without TTL, dropped afterwards, so the shared
     * table's TTL tests do not wait for DynamoDB Local's TTL worker to get past them.
     */
    @BeforeAll
    static void ownTables() {
        own = tablesWithoutTtl(Map.of());
        table = own.tableName("ConsentsTable");
    }

    @AfterAll
    static void dropOwnTables() {
        drop(own);
    }

    private static LocalResources tablesWithoutTtl(Map<String, String> parameters) {
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        LocalResources resources = LocalResources.create(Template.fromProject(),
                LocalResources.Clients.tablesAndQueues(dynamo, stack.awsClients().sqs()),
                "sh" + UUID.randomUUID().toString().substring(0, 6) + "-", stack.resolver().region(), parameters);
        resources.tables().values().stream().filter(name -> dynamo.describeTimeToLive(d -> d.tableName(name))
                        .timeToLiveDescription().timeToLiveStatus() == TimeToLiveStatus.ENABLED)
                .forEach(name -> dynamo.updateTimeToLive(u -> u.tableName(name).timeToLiveSpecification(t -> t
                        .enabled(false).attributeName(RetentionPolicy.TTL_ATTRIBUTE))));
        return resources;
    }

    private static void drop(LocalResources resources) {
        if (resources != null) {
            resources.tables().values().forEach(name -> stack.awsClients().dynamoDb().deleteTable(d -> d.tableName(name)));
        }
    }

    /** The console's export, run in process against this test's table. */
    private static JsonNode admin(Map<String, Object> event) {
        ConsentAdminHandler handler = new ConsentAdminHandler(stack.functions().env("ConsentAdminFunction")
                .with(Map.of("CONSENTS_TABLE", table)));
        return Json.MAPPER.valueToTree(handler.handleRequest(event, null));
    }

    private static int shards() {
        return ConsentsTable.shards(stack.functions().env("ConsentAdminFunction"));
    }

    @Test
    void shardedWrites_shouldCarryTheShardKey_andADayShouldReadBackOnceInTimeOrder_acrossShardsAndPages() {
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        ConsentStore store = new DynamoDbConsentStore(dynamo, table, shards());
        String siteId = newSite("shard");
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        List<ConsentRecord> written = writeDay(store, siteId, day, 400);

        Map<Integer, Integer> perShard = new TreeMap<>();
        for (ConsentRecord r : written) {
            Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                    .key(ConsentsTable.key(r.consentId(), r.version()))).item();
            int shard = ConsentsTable.shardOf(r.consentId(), shards());
            assertThat(item.get(ConsentsTable.SITE_DAY_PK).s()).isEqualTo(siteId + "#" + day + "#" + shard);
            assertThat(item.get(ConsentsTable.SITE_DAY_SK).s()).isEqualTo(ConsentsTable.siteDaySortKey(r));
            assertThat(item).doesNotContainKey(ConsentsTable.LEGACY_SITE_DAY_PK);
            perShard.merge(shard, 1, Integer::sum);
        }
        assertThat(perShard).as("every shard holds part of the day").hasSize(shards());

        List<String> expected = written.stream().map(ConsentsTable::siteDaySortKey).sorted().toList();
        for (int pageSize : List.of(1, 37, 400, 1000)) {
            List<String> read = new ArrayList<>();
            Map<String, String> next = null;
            int pages = 0;
            do {
                ConsentStore.Page page = store.siteDay(siteId, day, next, pageSize);
                assertThat(page.records().size()).isLessThanOrEqualTo(pageSize);
                page.records().forEach(r -> read.add(ConsentsTable.siteDaySortKey(r)));
                next = page.nextKey();
                pages++;
            } while (next != null && pages <= 500);
            assertThat(read).as("pages of " + pageSize).containsExactlyElementsOf(expected);
        }
        assertThat(store.siteDay(siteId, day.plusDays(1), null, 10).records()).as("another day").isEmpty();
        assertThat(store.siteDay("other-" + siteId, day, null, 10).records()).as("another site").isEmpty();
    }

    @Test
    void theConsoleExport_shouldHandOutEveryConsentOfTheRangeOnce_inTimeOrder_throughItsTokens() throws Exception {
        ConsentStore store = new DynamoDbConsentStore(stack.awsClients().dynamoDb(), table, shards());
        String siteId = newSite("shardx");
        LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        List<ConsentRecord> written = new ArrayList<>(writeDay(store, siteId, first, 90));
        written.addAll(writeDay(store, siteId, first.plusDays(2), 60));

        List<String> lines = new ArrayList<>();
        String token = null;
        int calls = 0;
        do {
            Map<String, Object> event = new HashMap<>(Map.of("action", "exportConsents", "siteId", siteId,
                    "from", first.toString(), "to", first.plusDays(2).toString(), "limit", 23));
            if (token != null) {
                event.put("nextToken", token);
            }
            JsonNode page = admin(event);
            assertThat(page.has("error")).as(page.toString()).isFalse();
            assertThat(page.get("count").asInt()).isLessThanOrEqualTo(23);
            page.get("jsonl").asText().lines().forEach(lines::add);
            token = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
            calls++;
        } while (token != null && calls < 50);

        List<String> exported = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (String line : lines) {
            JsonNode record = Json.read(line);
            exported.add(record.get("consentId").asText() + "/" + record.get("version").asInt());
            Instant at = Instant.parse(record.get("recordedAt").asText());
            assertThat(at).as("time order").isAfterOrEqualTo(previous);
            previous = at;
        }
        assertThat(exported).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(written.stream().map(r -> r.consentId() + "/" + r.version()).toList());
    }

    @Test
    void aForgedExportToken_shouldBeRefusedAsBadRequest_neverReadAsAnIndexPosition() {
        String siteId = newSite("shardt");
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        for (String key : List.of("{\"pk\":\"CONSENT#x\",\"sk\":\"V#000001\"}", "{\"after\":\"" + "9".repeat(2000) + "\"}",
                "{\"after\":\"\"}", "{\"offset\":\"3\"}")) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"day\":\"" + today + "\",\"key\":" + key + "}").getBytes(StandardCharsets.UTF_8));
            JsonNode answer = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "exportConsents",
                    "siteId", siteId, "from", today, "to", today, "nextToken", token));
            assertThat(answer.path("error").path("status").asInt()).as(key).isEqualTo(400);
        }
    }

    @Test
    void anUpgrade_shouldKeepTheLegacyIndexForOneDeploy_andBackfillEveryOlderConsent_resumably_andOnce() {
        // The first deploy over an old stack: LegacySiteDayIndex=Keep, both indexes. An upgrade leaves an index sparse
        // for a while (old items lack the new key, new items the old one), on which DynamoDB Local's TTL worker
        // stalls for every table of the emulator: another reason for tables without TTL.
        LocalResources resources = tablesWithoutTtl(Map.of("LegacySiteDayIndex", "Keep"));
        try {
            upgrade(stack.awsClients().dynamoDb(), resources, stack.functions().env("ConsentAdminFunction"));
        } finally {
            drop(resources);
        }
    }

    private static void upgrade(DynamoDbClient dynamo, LocalResources resources, Env adminEnv) {
        String table = resources.tableName("ConsentsTable");
        assertThat(dynamo.describeTable(d -> d.tableName(table)).table().globalSecondaryIndexes())
                .extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactlyInAnyOrder(ConsentsTable.SITE_DAY_INDEX, ConsentsTable.LEGACY_SITE_DAY_INDEX);
        int shards = shards();
        ConsentStore store = new DynamoDbConsentStore(dynamo, table, shards);
        String siteId = "upgrade-" + UUID.randomUUID().toString().substring(0, 8);
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(2);

        // Consents written by the previous version: the unsharded key only.
        List<ConsentRecord> old = new ArrayList<>();
        for (ConsentRecord r : records(siteId, day, 260)) {
            Map<String, AttributeValue> item = new HashMap<>(ConsentsTable.toItem(r, shards));
            item.remove(ConsentsTable.SITE_DAY_PK);
            item.put(ConsentsTable.LEGACY_SITE_DAY_PK, AttributeValue.fromS(ConsentsTable.siteDay(siteId, day)));
            dynamo.putItem(p -> p.tableName(table).item(item));
            old.add(r);
        }
        List<ConsentRecord> fresh = writeDay(store, siteId, day, 40);
        assertThat(readDay(store, siteId, day)).as("before the backfill, only the new writes are in the shards")
                .hasSize(fresh.size());

        Env env = adminEnv.with(Map.of("CONSENTS_TABLE", table));
        ConsentAdminHandler admin = new ConsentAdminHandler(env);
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("maxItems", 0), Map.<String, Object>of("maxItems", "lots"),
                Map.<String, Object>of("segment", 2, "totalSegments", 2), Map.<String, Object>of("totalSegments", 65),
                Map.<String, Object>of("nextToken", "not-a-token"), Map.<String, Object>of("nextToken", token("{\"pk\":\"a\"}")),
                Map.<String, Object>of("nextToken", token("{\"pk\":\"a\",\"sk\":\"b\",\"gsi2pk\":\"c\"}")))) {
            Map<String, Object> event = new HashMap<>(bad);
            event.put("action", "backfillSiteDayShards");
            JsonNode answer = Json.MAPPER.valueToTree(admin.handleRequest(event, null));
            assertThat(answer.path("error").path("status").asInt()).as(bad.toString()).isEqualTo(400);
        }

        // Small runs, each resumed from the token of the one before, as an operator repeats the console event.
        int updated = 0;
        int runs = 0;
        String token = null;
        while (true) {
            Map<String, Object> event = new HashMap<>(Map.of("action", "backfillSiteDayShards", "maxItems", 100));
            if (token != null) {
                event.put("nextToken", token);
            }
            JsonNode run = Json.MAPPER.valueToTree(admin.handleRequest(event, null));
            assertThat(run.has("error")).as(run.toString()).isFalse();
            updated += run.get("updated").asInt();
            runs++;
            if (run.get("done").asBoolean()) {
                assertThat(run.has("nextToken")).isFalse();
                break;
            }
            token = run.get("nextToken").asText();
            assertThat(runs).as("runs").isLessThan(100);
        }
        assertThat(runs).as("a bounded run stops and resumes").isGreaterThan(1);
        assertThat(updated).isEqualTo(old.size());
        for (ConsentRecord r : old.subList(0, 20)) {
            Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                    .key(ConsentsTable.key(r.consentId(), r.version()))).item();
            assertThat(item.get(ConsentsTable.SITE_DAY_PK).s())
                    .isEqualTo(ConsentsTable.siteDayShard(siteId, day, ConsentsTable.shardOf(r.consentId(), shards)));
            assertThat(ConsentsTable.fromItem(item)).as("the proof itself is untouched").isEqualTo(r);
        }

        // Run again, split in two segments: nothing left to do, nothing written twice.
        for (int segment = 0; segment < 2; segment++) {
            JsonNode again = Json.MAPPER.valueToTree(admin.handleRequest(Map.of("action", "backfillSiteDayShards",
                    "segment", segment, "totalSegments", 2), null));
            assertThat(again.get("updated").asInt()).as(again.toString()).isZero();
            assertThat(again.get("done").asBoolean()).isTrue();
        }
        List<String> expected = new ArrayList<>();
        old.forEach(r -> expected.add(ConsentsTable.siteDaySortKey(r)));
        fresh.forEach(r -> expected.add(ConsentsTable.siteDaySortKey(r)));
        assertThat(readDay(store, siteId, day)).containsExactlyElementsOf(expected.stream().sorted().toList());

        // Nothing is left without the shard key: the legacy index can go (LegacySiteDayIndex=Drop), and no item keeps
        // the new index sparse (DynamoDB Local's TTL worker stalls on a sparse index; ConsentTtlIT covers TTL on the
        // template's table). Dropping the index here is not tried: DynamoDB Local 2.6.1 then fails every PutItem.
        int missing = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            var page = dynamo.scan(sc -> sc.tableName(table).filterExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", ConsentsTable.SITE_DAY_PK)).exclusiveStartKey(from));
            missing += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        assertThat(missing).as("items without the shard key").isZero();
    }

    private static String token(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> readDay(ConsentStore store, String siteId, LocalDate day) {
        List<String> read = new ArrayList<>();
        Map<String, String> next = null;
        do {
            ConsentStore.Page page = store.siteDay(siteId, day, next, 64);
            page.records().forEach(r -> read.add(ConsentsTable.siteDaySortKey(r)));
            next = page.nextKey();
        } while (next != null);
        return read;
    }

    /** {@code count} consents of one day appended, a tenth of them with a second version, some in the same millisecond. */
    private static List<ConsentRecord> writeDay(ConsentStore store, String siteId, LocalDate day, int count) {
        List<ConsentRecord> written = new ArrayList<>();
        for (ConsentRecord r : records(siteId, day, count)) {
            assertThat(store.append(r)).isTrue();
            written.add(r);
            if (written.size() % 10 == 0) {
                ConsentRecord second = r.toBuilder().version(2).categories(Categories.NONE)
                        .method(ConsentMethod.REJECT_ALL).build();
                assertThat(store.append(second)).isTrue();
                written.add(second);
            }
        }
        return written;
    }

    private static List<ConsentRecord> records(String siteId, LocalDate day, int count) {
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant expires = Instant.now().plus(Duration.ofDays(300)).truncatedTo(ChronoUnit.SECONDS);
        List<ConsentRecord> out = new ArrayList<>();
        Instant shared = start.plusMillis(RANDOM.nextInt(86_400_000));
        for (int i = 0; i < count; i++) {
            // Every fifth shares one instant with others: the consent id orders them.
            Instant at = i % 5 == 0 ? shared : start.plusMillis(RANDOM.nextInt(86_400_000));
            out.add(ConsentRecord.builder().consentId(UUID.randomUUID().toString()).version(1).siteId(siteId)
                    .siteGroup(siteId).categories(Categories.ALL).method(ConsentMethod.ACCEPT_ALL).bannerVersion("v1")
                    .pageUrl("https://shard.example/p/" + i).ipAnonymized("203.0.113.0").recordedAt(at)
                    .validUntil(expires).expiresAt(expires).retentionRule("end_user_12m").key("k.sig" + i).build());
        }
        return out;
    }
}
