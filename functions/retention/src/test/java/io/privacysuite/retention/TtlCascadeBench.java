package io.privacysuite.retention;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * TTL-cascade throughput of {@link RetentionStreamHandler} beside raw BatchWriteItem deletes, on one DynamoDB Local
 * server over HTTP (the handler builds its own client from its Env, as on Lambda). The handler is fed the REMOVE
 * records DynamoDB Local's TTL really produced, in batches of 100 (the template's BatchSize); each consent has two
 * versions, so every latest version's record also resolves its older version for the cascade. Not a test: a main
 * class, printed figures only ({@code mvn -pl functions/retention exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.privacysuite.retention.TtlCascadeBench}).
 */
public final class TtlCascadeBench {
    public static void main(String[] args) throws Exception {
        int consents = args.length > 0 ? Integer.parseInt(args[0]) : 2500;
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-port", Integer.toString(port), "-disableTelemetry"});
        server.start();
        try {
            Env env = Env.of(Map.of("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + port,
                    "AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "http://127.0.0.1:" + port, "AWS_REGION", "eu-west-1",
                    "CONSENTS_TABLE", "ConsentsTable", "SITES_TABLE", "SitesTable", "ACCOUNTS_TABLE", "AccountsTable",
                    "DELETION_RECEIPTS_TABLE", "DeletionReceiptsTable", "LEGAL_HOLDS_TABLE", "LegalHoldsTable"));
            AwsClients clients = new AwsClients(env);
            DynamoDbClient dynamo = clients.build(DynamoDbClient.builder(), "DYNAMODB");
            DynamoDbStreamsClient streams = clients.build(DynamoDbStreamsClient.builder(), "DYNAMODB_STREAMS");
            LocalDynamo.createTablesFromTemplate(dynamo);
            RetentionStreamHandler handler = new RetentionStreamHandler(env);

            // Warm-up round (JIT, connections), then the measured one.
            run(dynamo, streams, handler, Math.max(200, consents / 5), false);
            run(dynamo, streams, handler, consents, true);
        } finally {
            server.stop();
        }
    }

    private static void run(DynamoDbClient dynamo, DynamoDbStreamsClient streams, RetentionStreamHandler handler,
                            int consents, boolean print) throws InterruptedException {
        String streamArn = dynamo.describeTable(d -> d.tableName("ConsentsTable")).table().latestStreamArn();
        long expired = Instant.now().minusSeconds(3600).getEpochSecond();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < consents; i++) {
            String id = UUID.randomUUID().toString();
            for (int v = 1; v <= 2; v++) {
                Map<String, AttributeValue> item = new HashMap<>();
                item.put("pk", AttributeValue.fromS("CONSENT#" + id));
                item.put("sk", AttributeValue.fromS(String.format("V#%06d", v)));
                item.put("consentId", AttributeValue.fromS(id));
                item.put("siteId", AttributeValue.fromS("bench-site"));
                item.put("dataCategory", AttributeValue.fromS("end_user"));
                item.put("retentionRule", AttributeValue.fromS("end_user_12m"));
                item.put("expiresAt", AttributeValue.fromN(Long.toString(expired + v)));
                item.put("pageUrl", AttributeValue.fromS("https://bench.example.com/"));
                items.add(item);
                keys.add(id + "|" + v);
            }
        }
        long writeStart = System.nanoTime();
        batchWrite(dynamo, items, true);
        // DynamoDB Local's TTL really deletes them; collect the REMOVE records it streams (read from each shard's
        // start, de-duplicated by event id, since iterators may be trimmed while waiting).
        Map<String, DynamodbEvent.DynamodbStreamRecord> ttlRecords = new java.util.LinkedHashMap<>();
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (ttlRecords.size() < items.size() && System.nanoTime() < deadline) {
            for (var shard : streams.describeStream(d -> d.streamArn(streamArn)).streamDescription().shards()) {
                String iterator = streams.getShardIterator(g -> g.streamArn(streamArn).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null) {
                    String current = iterator;
                    software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse page;
                    try {
                        page = streams.getRecords(g -> g.shardIterator(current).limit(1000));
                    } catch (software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException e) {
                        break;
                    }
                    for (Record r : page.records()) {
                        if (r.userIdentity() != null && "dynamodb.amazonaws.com".equals(r.userIdentity().principalId())
                                && keys.contains(r.dynamodb().oldImage().get("consentId").s() + "|"
                                        + Integer.parseInt(r.dynamodb().oldImage().get("sk").s().substring(2)))) {
                            ttlRecords.putIfAbsent(r.eventID(), toEvent(r, streamArn));
                        }
                    }
                    iterator = page.records().isEmpty() ? null : page.nextShardIterator();
                }
            }
            if (ttlRecords.size() < items.size()) {
                Thread.sleep(500);
            }
        }
        if (print) {
            System.out.printf("DynamoDB Local TTL deleted and streamed %d items in %.1f s%n", ttlRecords.size(),
                    (System.nanoTime() - writeStart) / 1e9);
        }
        List<DynamodbEvent.DynamodbStreamRecord> ttlList = new ArrayList<>(ttlRecords.values());
        long start = System.nanoTime();
        int failures = 0;
        for (int from = 0; from < ttlList.size(); from += 100) {
            DynamodbEvent event = new DynamodbEvent();
            event.setRecords(new ArrayList<>(ttlList.subList(from, Math.min(ttlList.size(), from + 100))));
            failures += handler.handleRequest(event, null).getBatchItemFailures().size();
        }
        double cascadeSeconds = (System.nanoTime() - start) / 1e9;

        // Raw deletes of as many items, on the same emulator and table, 25 per BatchWriteItem.
        List<Map<String, AttributeValue>> raw = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            Map<String, AttributeValue> copy = new HashMap<>(item);
            copy.put("pk", AttributeValue.fromS(item.get("pk").s() + "-raw"));
            copy.remove("expiresAt");
            raw.add(copy);
        }
        batchWrite(dynamo, raw, true);
        start = System.nanoTime();
        batchWrite(dynamo, raw, false);
        double rawSeconds = (System.nanoTime() - start) / 1e9;

        if (print) {
            double cascadeRate = ttlRecords.size() / cascadeSeconds;
            double rawRate = raw.size() / rawSeconds;
            System.out.printf("TTL deletions streamed: %d of %d items (%d consents x 2 versions); handler failures: %d%n",
                    ttlRecords.size(), items.size(), consents, failures);
            System.out.printf("TTL-cascade through RetentionStreamHandler: %.0f records/s (%.2f s)%n", cascadeRate, cascadeSeconds);
            System.out.printf("Raw BatchWriteItem deletes:                 %.0f deletes/s (%.2f s)%n", rawRate, rawSeconds);
            System.out.printf("Ratio cascade/raw: %.2f (target >= 0.5)%n", cascadeRate / rawRate);
        }
    }

    private static void batchWrite(DynamoDbClient dynamo, List<Map<String, AttributeValue>> items, boolean put) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + 25))) {
                writes.add(put
                        ? WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()
                        : WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                                .key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of("ConsentsTable", writes);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                var response = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    private static DynamodbEvent.DynamodbStreamRecord toEvent(Record r, String streamArn) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID(r.eventID());
        record.setEventName(r.eventNameAsString());
        record.setEventSource("aws:dynamodb");
        record.setEventSourceARN(streamArn);
        record.setUserIdentity(new Identity().withType(r.userIdentity().type()).withPrincipalId(r.userIdentity().principalId()));
        StreamRecord stream = new StreamRecord();
        stream.setSequenceNumber(r.dynamodb().sequenceNumber());
        stream.setApproximateCreationDateTime(Date.from(r.dynamodb().approximateCreationDateTime()));
        stream.setOldImage(Fixtures.toEvents(r.dynamodb().oldImage()));
        record.setDynamodb(stream);
        return record;
    }
}
