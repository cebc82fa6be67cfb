package io.privacysuite.bench;

import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.SiteDayIndex;
import io.privacysuite.local.LocalSuite;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The sharded site-day index, checked where a laptop can check it: how evenly consent ids spread over the shards
 * (chi-square against its 0.1% critical value, hottest/coldest shard), whether a whole day reads back complete and in
 * order across shards and pages, and how fast the sharded reader (parallel shard queries, k-way merge, BatchGetItem)
 * reads a day beside the unsharded ALL-projection reader it replaces, on the same emulator in the same JVM. DynamoDB
 * Local does not throttle, so the per-partition write limit itself is arithmetic (README capacity model), not measured.
 */
final class ShardBench {
    static final String LEGACY_TABLE = "bench-consents-unsharded";
    static final int SIMULATED = 1_000_000;
    static final int STORED = Integer.getInteger("bench.shards.consents", 10_000);
    static final int RUNS = 3;
    /** Chi-square critical values at p = 0.001 for k - 1 degrees of freedom. */
    static final Map<Integer, Double> CRITICAL = Map.of(8, 24.32, 16, 37.70, 32, 61.10, 64, 103.44);

    static void run(LocalSuite stack) {
        int shards = ConsentsTable.shards(stack.env("ConsentAdminFunction"));
        System.out.println("shard bench (DynamoDB Local in this JVM, 2 shared cores under other builds; deployed shards "
                + shards + ")");
        System.out.println("  spread of " + SIMULATED + " random consent ids on one site-day (target: chi-square under"
                + " its 0.1% critical value, hottest/coldest within 3 sigma of an even spread):");
        for (int k : new int[] {8, 16, 32, 64}) {
            long[] counts = new long[k];
            Random random = new Random(k);
            for (int i = 0; i < SIMULATED; i++) {
                counts[ConsentsTable.shardOf(new UUID(random.nextLong(), random.nextLong()).toString(), k)]++;
            }
            spread("    " + k + " shards", counts, CRITICAL.get(k), SIMULATED);
        }

        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        String table = stack.resources().tableName("ConsentsTable");
        createLegacyTable(dynamo);
        ConsentStore store = new DynamoDbConsentStore(dynamo, table, shards);
        String siteId = "bench-shard-" + UUID.randomUUID().toString().substring(0, 6);
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        List<ConsentRecord> records = records(siteId, day, STORED);
        seed(dynamo, table, records, shards, false);
        seed(dynamo, LEGACY_TABLE, records, shards, true);

        long[] stored = new long[shards];
        for (int n = 0; n < shards; n++) {
            String pk = ConsentsTable.siteDayShard(siteId, day, n);
            stored[n] = countPartition(dynamo, table, ConsentsTable.SITE_DAY_INDEX, ConsentsTable.SITE_DAY_PK, pk);
        }
        spread("  " + STORED + " consents stored on one site-day, " + shards + " shards", stored,
                CRITICAL.getOrDefault(shards, Double.NaN), STORED);

        itemSizes(records, shards);

        List<String> expected = records.stream().map(ConsentsTable::siteDaySortKey).sorted().toList();
        for (int pageSize : new int[] {1000, 97}) {
            List<String> read = readSharded(store, siteId, day, pageSize);
            boolean complete = read.size() == expected.size() && new HashSet<>(read).size() == read.size();
            System.out.printf("  export order and completeness, pages of %4d: %d of %d read, each once: %s, in index"
                    + " order: %s (target: yes, yes)%n", pageSize, read.size(), expected.size(), complete ? "yes" : "NO",
                    read.equals(expected) ? "yes" : "NO");
        }

        Supplier<Integer> sharded = () -> readSharded(store, siteId, day, 1000).size();
        SiteDayIndex index = new SiteDayIndex(dynamo, table, shards);
        Supplier<Integer> keysOnly = () -> {
            int count = 0;
            String after = null;
            do {
                SiteDayIndex.KeyPage page = index.page(siteId, day, after, 1000);
                count += page.keys().size();
                after = page.after();
            } while (after != null);
            return count;
        };
        Supplier<Integer> unsharded = () -> readLegacy(dynamo, ConsentsTable.siteDay(siteId, day));
        sharded.get();
        unsharded.get();
        double[] shardedTime = time(sharded, STORED);
        double[] legacyTime = time(unsharded, STORED);
        double[] keysTime = time(keysOnly, STORED);
        System.out.printf("  read a day of %d: unsharded ALL-projection Query %6.0f records/s (%.1f ms cpu/1k) |"
                        + " sharded keys-only + BatchGet %6.0f records/s (%.1f ms cpu/1k)%n", STORED, STORED / legacyTime[0],
                legacyTime[1], STORED / shardedTime[0], shardedTime[1]);
        System.out.printf("  sharded / unsharded reader: %.2fx the time, %.2fx the cpu (target: <= 2x the time); of which"
                        + " the shards' merged key pages alone %.2fx the time (%.0f keys/s), the rest BatchGetItem%n",
                shardedTime[0] / legacyTime[0], shardedTime[1] / legacyTime[1], keysTime[0] / legacyTime[0],
                STORED / keysTime[0]);
    }

    /**
     * DynamoDB's item size (attribute names plus values, UTF-8) of a typical consent, of its keys-only index entry and
     * of an ALL-projection entry (the index adds 100 bytes of overhead to each): what each write and each month of
     * storage costs in the README's capacity model.
     */
    private static void itemSizes(List<ConsentRecord> records, int shards) {
        long table = 0;
        long keysOnly = 0;
        long maxTable = 0;
        for (ConsentRecord r : records) {
            Map<String, AttributeValue> item = ConsentsTable.toItem(r, shards);
            long size = size(item);
            table += size;
            maxTable = Math.max(maxTable, size);
            keysOnly += size(Map.of(ConsentsTable.PK, item.get(ConsentsTable.PK), ConsentsTable.SK, item.get(ConsentsTable.SK),
                    ConsentsTable.SITE_DAY_PK, item.get(ConsentsTable.SITE_DAY_PK),
                    ConsentsTable.SITE_DAY_SK, item.get(ConsentsTable.SITE_DAY_SK))) + 100;
        }
        double avg = (double) table / records.size();
        double keys = (double) keysOnly / records.size();
        System.out.printf("  item size: consent %.0f B (largest %d B, %d write unit(s)); index entry keys-only %.0f B,"
                        + " ALL %.0f B; writes per consent: table %d + index %d (keys-only) or %d (ALL)%n", avg, maxTable,
                (maxTable + 1023) / 1024, keys, avg + 100, (maxTable + 1023) / 1024, 1, (long) Math.ceil((avg + 100) / 1024));
    }

    private static long size(Map<String, AttributeValue> item) {
        long size = 0;
        for (var e : item.entrySet()) {
            size += e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            AttributeValue v = e.getValue();
            if (v.s() != null) {
                size += v.s().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            } else if (v.n() != null) {
                size += (v.n().replace("-", "").replace(".", "").length() + 1) / 2 + 1;
            } else {
                size += 1;
            }
        }
        return size;
    }

    private static void spread(String label, long[] counts, double critical, int total) {
        double expected = (double) total / counts.length;
        double chi = 0;
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
            max = Math.max(max, c);
            min = Math.min(min, c);
        }
        double sigma = 3 * Math.sqrt(expected);
        double bound = (expected + sigma) / (expected - sigma);
        double ratio = min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
        System.out.printf("%s: chi-square %.1f (critical %.1f: %s), hottest/coldest %.3f (3 sigma: %.3f: %s),"
                        + " hottest shard %.2f%% of the day (even: %.2f%%)%n", label, chi, critical,
                chi < critical ? "even" : "UNEVEN", ratio, bound, ratio <= bound ? "ok" : "OVER", 100.0 * max / total,
                100.0 / counts.length);
    }

    /** Median wall seconds and process cpu ms per 1,000 records of {@code RUNS} reads of the whole day. */
    private static double[] time(Supplier<Integer> read, int expected) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<double[]> runs = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            long cpu = os.getProcessCpuTime();
            long begin = System.nanoTime();
            int found = read.get();
            double seconds = (System.nanoTime() - begin) / 1e9;
            double cpuPerK = (os.getProcessCpuTime() - cpu) / 1e6 / (expected / 1000.0);
            if (found != expected) {
                throw new IllegalStateException("read " + found + " of " + expected);
            }
            runs.add(new double[] {seconds, cpuPerK});
        }
        runs.sort((a, b) -> Double.compare(a[0], b[0]));
        return runs.get(runs.size() / 2);
    }

    private static List<String> readSharded(ConsentStore store, String siteId, LocalDate day, int pageSize) {
        List<String> read = new ArrayList<>();
        Map<String, String> next = null;
        do {
            ConsentStore.Page page = store.siteDay(siteId, day, next, pageSize);
            page.records().forEach(r -> read.add(ConsentsTable.siteDaySortKey(r)));
            next = page.nextKey();
        } while (next != null);
        return read;
    }

    /** The reader before the shards: one partition, every attribute projected, records built from the index. */
    private static int readLegacy(DynamoDbClient dynamo, String pk) {
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(q -> q.tableName(LEGACY_TABLE).indexName(ConsentsTable.LEGACY_SITE_DAY_INDEX)
                    .keyConditionExpression("#pk = :pk").limit(1000)
                    .expressionAttributeNames(Map.of("#pk", ConsentsTable.LEGACY_SITE_DAY_PK))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                ConsentsTable.fromItem(item);
                count++;
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    private static long countPartition(DynamoDbClient dynamo, String table, String index, String attribute, String pk) {
        long count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(q -> q.tableName(table).indexName(index).select(Select.COUNT)
                    .keyConditionExpression("#pk = :pk").expressionAttributeNames(Map.of("#pk", attribute))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk))).exclusiveStartKey(from));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    private static void createLegacyTable(DynamoDbClient dynamo) {
        if (dynamo.listTables().tableNames().contains(LEGACY_TABLE)) {
            return;
        }
        dynamo.createTable(b -> b.tableName(LEGACY_TABLE).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName(ConsentsTable.PK).attributeType("S"),
                        a -> a.attributeName(ConsentsTable.SK).attributeType("S"),
                        a -> a.attributeName(ConsentsTable.LEGACY_SITE_DAY_PK).attributeType("S"),
                        a -> a.attributeName(ConsentsTable.SITE_DAY_SK).attributeType("S"))
                .keySchema(k -> k.attributeName(ConsentsTable.PK).keyType("HASH"),
                        k -> k.attributeName(ConsentsTable.SK).keyType("RANGE"))
                .globalSecondaryIndexes(g -> g.indexName(ConsentsTable.LEGACY_SITE_DAY_INDEX)
                        .keySchema(k -> k.attributeName(ConsentsTable.LEGACY_SITE_DAY_PK).keyType("HASH"),
                                k -> k.attributeName(ConsentsTable.SITE_DAY_SK).keyType("RANGE"))
                        .projection(p -> p.projectionType("ALL"))));
    }

    private static void seed(DynamoDbClient dynamo, String table, List<ConsentRecord> records, int shards,
                             boolean legacy) {
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ConsentRecord r = records.get(i);
            Map<String, AttributeValue> item = new HashMap<>(ConsentsTable.toItem(r, shards));
            if (legacy) {
                item.remove(ConsentsTable.SITE_DAY_PK);
                item.put(ConsentsTable.LEGACY_SITE_DAY_PK, AttributeValue.fromS(ConsentsTable.siteDay(r.siteId(),
                        LocalDate.ofInstant(r.recordedAt(), ZoneOffset.UTC))));
            }
            batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            if (batch.size() == 25 || i == records.size() - 1) {
                Map<String, List<WriteRequest>> pending = Map.of(table, List.copyOf(batch));
                while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> request = pending;
                    pending = dynamo.batchWriteItem(b -> b.requestItems(request)).unprocessedItems();
                }
                batch.clear();
            }
        }
    }

    private static List<ConsentRecord> records(String siteId, LocalDate day, int count) {
        Random random = new Random(6);
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant expires = Instant.now().plus(java.time.Duration.ofDays(300)).truncatedTo(ChronoUnit.SECONDS);
        List<ConsentRecord> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            Instant at = start.plusMillis(random.nextInt(86_400_000));
            out.add(ConsentRecord.builder().consentId(id).version(1).siteId(siteId).siteGroup(siteId)
                    .categories(Categories.ALL).method(ConsentMethod.ACCEPT_ALL).bannerVersion("2026-11")
                    .pageUrl("https://www.bench-shop.example/products/item-" + (i % 500) + "?ref=home")
                    .ipAnonymized("203.0.113.0").recordedAt(at).validUntil(expires).expiresAt(expires)
                    .retentionRule("end_user_12m").key("k1.bench-signature-" + id).build());
        }
        return out;
    }
}
