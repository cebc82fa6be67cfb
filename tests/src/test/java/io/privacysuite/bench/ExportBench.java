package io.privacysuite.bench;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.fulfilment.DataMap;
import io.privacysuite.fulfilment.DynamoDbConnector;
import io.privacysuite.fulfilment.ExportPackage;
import io.privacysuite.fulfilment.ExportStore;
import io.privacysuite.fulfilment.SourceOutcome;
import io.privacysuite.fulfilment.Subject;
import io.privacysuite.fulfilment.FulfilmentService;
import io.privacysuite.fulfilment.RequestProcessorHandler;
import io.privacysuite.fulfilment.S3ExportStore;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.RequestType;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Export time for a subject with 1k and 10k records in one DynamoDB source (the processor's whole access path: load
 * and start the request, Query every page, write JSON + HTML side by side into S3Mock (SSE, CRC32), the links,
 * complete the request, queue the email) beside a raw paginated Query of the same items on the same emulator.
 */
final class ExportBench {
    static final String TABLE = "bench-export-records";
    /** What every request costs whatever its size: lease, request read and writes, holds, the email queue. */
    private static final java.util.Set<String> FIXED_CALLS = java.util.Set.of("DynamoDb.PutItem", "DynamoDb.GetItem",
            "DynamoDb.Scan", "DynamoDb.DeleteItem", "Sqs.SendMessage");

    static void run(LocalSuite stack) {
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        if (!dynamo.listTables().tableNames().contains(TABLE)) {
            dynamo.createTable(b -> b.tableName(TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("customerEmail").attributeType("S"),
                            a -> a.attributeName("recordId").attributeType("S"))
                    .keySchema(k -> k.attributeName("customerEmail").keyType("HASH"),
                            k -> k.attributeName("recordId").keyType("RANGE")));
        }
        String map = "{\"schemaVersion\":1,\"sources\":[{\"id\":\"records\",\"kind\":\"dynamodb\",\"table\":\"" + TABLE
                + "\",\"lookup\":{\"attribute\":\"customerEmail\",\"by\":\"email\"},\"category\":\"activity\","
                + "\"description\":\"Your activity\",\"erasure\":{\"mode\":\"delete\"}}]}";
        Path mapFile;
        try {
            mapFile = Files.writeString(Files.createTempFile("bench-data-map", ".json"), map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Env env = stack.env("RequestProcessorFunction").with(Map.of(DataMap.FILE_VARIABLE, mapFile.toString()));
        AwsClients aws = new AwsClients(env);
        FulfilmentService service = RequestProcessorHandler.serviceFrom(env, aws, Clock.systemUTC());
        RequestStore store = new DynamoDbRequestStore(dynamo, env.require("REQUESTS_TABLE"), RetentionPolicy.from(env));
        LegalClock legalClock = LegalClock.from(env);

        DataMap.Source source = DataMap.parse(map, env).sources().get(0);
        DynamoDbConnector connector = new DynamoDbConnector(source, dynamo, java.time.ZoneOffset.UTC);
        int runs = Integer.getInteger("bench.export.runs", 5);
        S3ExportStore s3Store = new S3ExportStore(S3ExportStore.client(aws),
                env.require("EXPORTS_BUCKET"), Duration.ofDays(7));

        // Warm-up, untimed: JIT, connections, the emulators' first use (otherwise the first size pays for them).
        String warm = "bench-warm-" + UUID.randomUUID().toString().substring(0, 6) + "@bench.example";
        seed(dynamo, warm, 2_000);
        for (int i = 0; i < 3; i++) {
            queryAll(dynamo, warm);
            service.process(ProcessingMessage.of(verifiedRequest(store, legalClock, warm)), 1, "bench",
                    Duration.ofMinutes(5));
        }

        System.out.println("export bench (DynamoDB Local in this JVM, S3Mock and SES in processes it started; ms, median"
                + " of " + runs + " runs each after a warm-up; CPU = CPU time of this JVM and those processes, the"
                + " stack's whole work whatever else loads the machine)");
        for (int size : new int[] {1_000, 10_000}) {
            String email = "bench-" + size + "-" + UUID.randomUUID().toString().substring(0, 6) + "@bench.example";
            seed(dynamo, email, size);
            queryAll(dynamo, email);
            List<Long> query = new ArrayList<>();
            List<Long> queryCpu = new ArrayList<>();
            List<Long> collect = new ArrayList<>();
            List<Long> render = new ArrayList<>();
            List<Long> upload = new ArrayList<>();
            List<Long> export = new ArrayList<>();
            List<Long> exportCpu = new ArrayList<>();
            List<String> calls = new ArrayList<>();
            List<Long> fixed = new ArrayList<>();
            double loadBefore = loadAverage();
            for (int run = 0; run < runs; run++) {
                long begin = System.nanoTime();
                long cpu = Throughput.stackCpuNanos();
                int found = queryAll(dynamo, email);
                queryCpu.add((Throughput.stackCpuNanos() - cpu) / 1_000_000);
                query.add(Duration.ofNanos(System.nanoTime() - begin).toMillis());
                if (found != size) {
                    throw new IllegalStateException("query found " + found + " of " + size);
                }
                // The phases alone: the source read into its spool, then both files written to nowhere.
                begin = System.nanoTime();
                SourceOutcome outcome = connector.collect(new Subject("phase", email, EmailAddresses.hash(email),
                        List.of(), List.of(), Map.of(), null), Instant.now());
                collect.add(Duration.ofNanos(System.nanoTime() - begin).toMillis());
                begin = System.nanoTime();
                ExportPackage pkg = ExportPackage.of("phase", "access", email, Instant.now(), List.of(outcome));
                pkg.writeJson(OutputStream.nullOutputStream());
                pkg.writeHtml(OutputStream.nullOutputStream(), "en", java.time.ZoneOffset.UTC, Map.of());
                render.add(Duration.ofNanos(System.nanoTime() - begin).toMillis());
                begin = System.nanoTime();
                s3Store.writeAll("bench-phase", List.of(new ExportStore.File("export.json", "application/json",
                        pkg::writeJson), new ExportStore.File("export.html", "text/html; charset=utf-8",
                        out -> pkg.writeHtml(out, "en", java.time.ZoneOffset.UTC, Map.of()))));
                upload.add(Duration.ofNanos(System.nanoTime() - begin).toMillis());
                outcome.release();

                DsarRequest request = verifiedRequest(store, legalClock, email);
                begin = System.nanoTime();
                cpu = Throughput.stackCpuNanos();
                CallTimes.start();
                FulfilmentService.Result result = service.process(ProcessingMessage.of(request), 1, "bench",
                        Duration.ofMinutes(5)).result();
                long end = System.nanoTime();
                exportCpu.add((Throughput.stackCpuNanos() - cpu) / 1_000_000);
                export.add(Duration.ofNanos(end - begin).toMillis());
                List<CallTimes.Call> made = CallTimes.stop();
                calls.add(CallTimes.describe(made, begin, end));
                fixed.add(CallTimes.millis(made, FIXED_CALLS));
                if (result != FulfilmentService.Result.COMPLETED) {
                    throw new IllegalStateException("export ended " + result);
                }
            }
            System.out.printf("  %6d records: raw Query (all pages) median %5d ms (CPU %5d) | export median %5d ms"
                            + " (CPU %5d); measured apart: source read %d, both files written %d (of which serializing"
                            + " %d, S3 the rest); within the export, the lease, request reads and writes, holds and"
                            + " email queue calls took %d summed (some run beside the reads)%n",
                    size, median(query), median(queryCpu), median(export), median(exportCpu), median(collect),
                    median(upload), median(render), median(fixed));
            System.out.printf("  %6d records, each run (ms): Query %s, export %s; CPU: Query %s, export %s%n", size, query,
                    export, queryCpu, exportCpu);
            for (int run = 0; run < runs; run++) {
                System.out.printf("  %6d records, run %d: export %d ms, AWS calls in order (ms): %s%n", size, run + 1,
                        export.get(run), calls.get(run));
            }
            System.out.printf("  %6d records: export.ratio (each run's export : its Query, median of %d runs) wall clock"
                            + " %.2f, CPU %.2f; median export : median Query %.2f, CPU %.2f (target <= 2.0 at 10k);"
                            + " machine's load average (1 min) %.1f before these runs, %.1f after, on %d cores%n",
                    size, runs, medianRatio(export, query), medianRatio(exportCpu, queryCpu),
                    (double) median(export) / Math.max(1, median(query)),
                    (double) median(exportCpu) / Math.max(1, median(queryCpu)), loadBefore, loadAverage(),
                    Runtime.getRuntime().availableProcessors());
        }
        large(dynamo, env, Integer.getInteger("bench.export.large", 100_000));
    }

    /** The machine's load average over the last minute (what else runs shapes every figure here). */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * A large subject exported in a fresh JVM with a 256 MB heap (the request processor's environment, the same
     * data map): proves the export fits, and times it to extrapolate to a million records within Lambda's 15 minutes.
     */
    private static void large(DynamoDbClient dynamo, Env env, int size) {
        String email = "bench-large-" + UUID.randomUUID().toString().substring(0, 6) + "@bench.example";
        long seedStart = System.nanoTime();
        seed(dynamo, email, size);
        long seedMs = Duration.ofNanos(System.nanoTime() - seedStart).toMillis();
        long begin = System.nanoTime();
        int found = queryAll(dynamo, email);
        long queryMs = Duration.ofNanos(System.nanoTime() - begin).toMillis();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ExportProbe.class.getName(), email);
        pb.environment().clear();
        pb.environment().putAll(env.asMap());
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
        pb.redirectErrorStream(true);
        String out;
        int status;
        try {
            Process process = pb.start();
            out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            status = process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String[] lines = out.strip().split("\n");
        String last = lines[lines.length - 1].trim();
        if (status != 0 || !last.matches("\\d+ \\d+ \\d+")) {
            System.out.printf("  export.large: %d records with -Xmx256m FAILED (exit %d): %s%n", size, status,
                    out.contains("OutOfMemoryError") ? "OutOfMemoryError" : last);
            return;
        }
        long[] f = java.util.Arrays.stream(last.split(" ")).mapToLong(Long::parseLong).toArray();
        double perMillion = f[0] * (1_000_000.0 / size) / 60_000.0;
        System.out.printf("  export.large: %d records (query found %d, seeded in %d ms) exported in a fresh JVM with"
                        + " -Xmx256m: %d ms, heap pools' peaks summed %d MB, max heap %d MB (target: completes within 256 MB);"
                        + " raw Query %d ms,"
                        + " ratio %.2f; load average (1 min) %.1f%n", size, found, seedMs, f[0], f[1], f[2], queryMs,
                (double) f[0] / Math.max(1, queryMs), loadAverage());
        System.out.printf("  export.extrapolated: 1,000,000 records ~ %.1f min at this rate (target <= 15 min, Lambda's"
                + " limit; linear in records)%n", perMillion);
    }

    static DsarRequest verifiedRequest(RequestStore store, LegalClock clock, String email) {
        Instant now = Instant.now();
        DsarRequest request = DsarRequest.builder().requestId(UUID.randomUUID().toString()).type(RequestType.ACCESS)
                .status(RequestStatus.VERIFIED).siteId("bench").email(email).emailHash(EmailAddresses.hash(email))
                .locale("en").receivedAt(now).deadline(clock.deadlineFor(now)).verifiedAt(now)
                .audit(List.of(new AuditEntry(now, "bench", "verify", "none", "verified", "benchmark"))).build();
        return store.create(request, now);
    }

    static void seed(DynamoDbClient dynamo, String email, int size) {
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int n = i;
            batch.add(WriteRequest.builder().putRequest(p -> p.item(Map.of(
                    "customerEmail", AttributeValue.fromS(email),
                    "recordId", AttributeValue.fromS(String.format("R%06d", n)),
                    "at", AttributeValue.fromS(Instant.now().toString()),
                    "page", AttributeValue.fromS("/products/item-" + (n % 300)),
                    "durationMs", AttributeValue.fromN(Integer.toString(n * 7 % 5000))))).build());
            if (batch.size() == 25 || i == size - 1) {
                List<WriteRequest> chunk = List.copyOf(batch);
                var unprocessed = dynamo.batchWriteItem(b -> b.requestItems(Map.of(TABLE, chunk))).unprocessedItems();
                while (unprocessed != null && !unprocessed.isEmpty()) {
                    var again = unprocessed;
                    unprocessed = dynamo.batchWriteItem(b -> b.requestItems(again)).unprocessedItems();
                }
                batch.clear();
            }
        }
    }

    static int queryAll(DynamoDbClient dynamo, String email) {
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(q -> q.tableName(TABLE).keyConditionExpression("customerEmail = :e")
                    .expressionAttributeValues(Map.of(":e", AttributeValue.fromS(email))).exclusiveStartKey(from));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    static long min(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).min().orElse(0);
    }


    /** The median of each run's {@code a : b}: runs are paired, so a slow spell of the machine hits both sides. */
    static double medianRatio(List<Long> a, List<Long> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add((double) a.get(i) / Math.max(1, b.get(i)));
        }
        return ratios.stream().sorted().toList().get(ratios.size() / 2);
    }

    static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
