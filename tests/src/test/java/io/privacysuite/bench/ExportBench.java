package io.privacysuite.bench;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.fulfilment.DataMap;
import io.privacysuite.fulfilment.FulfilmentService;
import io.privacysuite.fulfilment.RequestProcessorHandler;
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
 * and start the request, Query every page, build JSON + HTML, two S3 puts with SSE to S3Mock, two presigned links,
 * complete the request, queue the email) beside a raw paginated Query of the same items on the same emulator.
 */
final class ExportBench {
    static final String TABLE = "bench-export-records";
    static final int RUNS = 3;

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
        FulfilmentService service = RequestProcessorHandler.serviceFrom(env, new AwsClients(env), Clock.systemUTC());
        RequestStore store = new DynamoDbRequestStore(dynamo, env.require("REQUESTS_TABLE"), RetentionPolicy.from(env));
        LegalClock legalClock = LegalClock.from(env);

        System.out.println("export bench (DynamoDB Local + S3Mock on this machine; ms, " + RUNS + " runs each)");
        for (int size : new int[] {1_000, 10_000}) {
            String email = "bench-" + size + "-" + UUID.randomUUID().toString().substring(0, 6) + "@bench.example";
            seed(dynamo, email, size);
            queryAll(dynamo, email); // warm-up
            List<Long> query = new ArrayList<>();
            List<Long> export = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                long begin = System.nanoTime();
                int found = queryAll(dynamo, email);
                query.add(Duration.ofNanos(System.nanoTime() - begin).toMillis());
                if (found != size) {
                    throw new IllegalStateException("query found " + found + " of " + size);
                }
                DsarRequest request = verifiedRequest(store, legalClock, email);
                begin = System.nanoTime();
                FulfilmentService.Result result = service.process(ProcessingMessage.of(request), 1, "bench",
                        java.time.Duration.ofMinutes(5)).result();
                export.add(Duration.ofNanos(System.nanoTime() - begin).toMillis());
                if (result != FulfilmentService.Result.COMPLETED) {
                    throw new IllegalStateException("export ended " + result);
                }
            }
            System.out.printf("  %6d records: raw Query (all pages) min %5d / median %5d ms | export min %5d / median %5d ms%n",
                    size, min(query), median(query), min(export), median(export));
        }
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

    static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
