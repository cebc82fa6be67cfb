package io.privacysuite.bench;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.retention.Cause;
import io.privacysuite.retention.DeletionReceiptsTable;
import io.privacysuite.retention.Receipt;
import io.privacysuite.retention.RetentionStreamHandler;
import io.privacysuite.retention.Source;
import io.privacysuite.retention.StoredItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * TTL-cascade throughput of the real RetentionStreamHandler (built from the stack's environment for
 * RetentionStreamFunction) on the stack's DynamoDB Local, beside raw BatchWriteItem deletes on the same emulator and
 * table. Each consent has two versions; the newest is removed and its REMOVE record (TTL's service identity, the
 * item's old image, expired) is handed to the handler in batches of 100 (the template's BatchSize); the handler
 * erases the older version (written under a longer policy, so still there) in one transaction with its receipt and
 * writes the trigger's receipt. DynamoDB Local's own TTL worker deletes about ten items per cycle, far slower than
 * either path, so the records are built from the items rather than waited for; RetentionIT covers the real TTL path.
 * Then each request shape a cascaded record is made of is timed alone, per record, to show where the time goes.
 */
final class RetentionBench {
    private RetentionBench() {}

    static void run(LocalSuite stack) {
        int consents = Integer.getInteger("bench.retention.consents", 2000);
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        String table = stack.resources().tableName("ConsentsTable");
        String streamArn = stack.resources().streamArn("ConsentsTable").orElseThrow();
        RetentionStreamHandler handler = new RetentionStreamHandler(stack.env("RetentionStreamFunction"));
        int runs = Integer.getInteger("bench.retention.runs", 3);
        round(dynamo, table, streamArn, handler, Math.max(200, consents / 5), true, false); // warm-up: JIT, connections
        // A shared machine's load moves every figure: each run times the handler and raw deletes back to back, and
        // the median of the runs' ratios is the figure.
        report("each with an older version to cascade to", consents, runs,
                () -> round(dynamo, table, streamArn, handler, consents, true, true));
        // The common case on AWS: older versions expired earlier and TTL already took them; receipts only.
        report("no dependants left", consents, runs,
                () -> round(dynamo, table, streamArn, handler, consents, false, true));
        costs(dynamo, table, stack.resources().tableName("DeletionReceiptsTable"), Math.max(500, consents / 2));
    }

    /**
     * What each request shape the cascade is made of costs on this emulator, per record, one request at a time:
     * where the handler's time goes, and what grouping records into larger transactions buys.
     */
    private static void costs(DynamoDbClient dynamo, String table, String receipts, int records) {
        System.out.printf("%nRetention cascade: cost per record of each request shape (%d records each, one request at a"
                + " time, on the stack's DynamoDB Local)%n", records);
        for (int round = 0; round < 2; round++) { // the first round warms up
            boolean print = round == 1;
            List<Map<String, AttributeValue>> items = filled(dynamo, table, records);
            double[] delete = timed(() -> batch(dynamo, table, items, false));
            List<Map<String, AttributeValue>> stored = filled(dynamo, table, records);
            double[] read = timed(() -> {
                for (int from = 0; from < records; from += 100) {
                    List<Map<String, AttributeValue>> keys = stored.subList(from, Math.min(records, from + 100)).stream()
                            .map(RetentionBench::key).toList();
                    dynamo.batchGetItem(b -> b.requestItems(Map.of(table,
                            KeysAndAttributes.builder().keys(keys).consistentRead(true).build())));
                }
            });
            List<Map<String, AttributeValue>> receiptItems = new ArrayList<>();
            stored.forEach(item -> receiptItems.add(receipt(item, "bench-put")));
            double[] put = timed(() -> batch(dynamo, receipts, receiptItems, true));
            if (print) {
                line("raw BatchWriteItem delete (25 per request)", delete, records);
                line("consistent BatchGetItem of older versions (100 keys)", read, records);
                line("receipt put, BatchWriteItem (25 per request)", put, records);
            }
            double[] grouped = null;
            for (int pairs : new int[] {1, 10, 50}) {
                List<Map<String, AttributeValue>> victims = filled(dynamo, table, records);
                double[] transact = timed(() -> {
                    for (int from = 0; from < records; from += pairs) {
                        List<TransactWriteItem> actions = new ArrayList<>();
                        for (Map<String, AttributeValue> item : victims.subList(from, Math.min(records, from + pairs))) {
                            actions.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(item))
                                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(heldExpiresAt)")
                                    .build()).build());
                            actions.add(TransactWriteItem.builder().put(Put.builder().tableName(receipts)
                                    .item(receipt(item, "bench-transact"))
                                    .conditionExpression("attribute_not_exists(receiptId)").build()).build());
                        }
                        dynamo.transactWriteItems(t -> t.transactItems(actions));
                    }
                });
                if (print) {
                    line("TransactWriteItems, " + pairs + " x (delete + receipt) = " + 2 * pairs + " actions", transact,
                            records);
                }
                grouped = transact;
            }
            if (print) {
                // A record of the cascade is one read, one 100-action transaction's share and one trigger receipt.
                System.out.printf("  retention.cost ceiling of the cascade ratio from these costs (raw delete : read +"
                                + " transaction share + trigger receipt): %.2f by CPU (target >= 0.5); with no read and"
                                + " no transaction (delete + two receipt puts as plain batch writes): %.2f%n",
                        delete[1] / (read[1] + grouped[1] + put[1]), delete[1] / (delete[1] + 2 * put[1]));
            }
        }
    }

    private static void line(String shape, double[] seconds, int records) {
        System.out.printf("  retention.cost %-62s %6.0f us wall, %6.0f us CPU per record%n", shape + ":",
                seconds[0] * 1e6 / records, seconds[1] * 1e6 / records);
    }

    private static double[] timed(Runnable work) {
        long start = System.nanoTime();
        long cpuStart = Throughput.cpuNanos();
        work.run();
        return new double[] {(System.nanoTime() - start) / 1e9, (Throughput.cpuNanos() - cpuStart) / 1e9};
    }

    private static List<Map<String, AttributeValue>> filled(DynamoDbClient dynamo, String table, int count) {
        long expires = Instant.now().getEpochSecond() + 86_400 * 30;
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(consent(UUID.randomUUID().toString(), 1, expires));
        }
        batch(dynamo, table, items, true);
        return items;
    }

    private static Map<String, AttributeValue> key(Map<String, AttributeValue> item) {
        return Map.of("pk", item.get("pk"), "sk", item.get("sk"));
    }

    /** The receipt the cascade writes for {@code item} (a fresh id per use, so puts never find one already there). */
    private static Map<String, AttributeValue> receipt(Map<String, AttributeValue> item, String salt) {
        Map<String, AttributeValue> image = new HashMap<>(item);
        image.put("pk", AttributeValue.fromS(item.get("pk").s() + "#" + salt + "#" + UUID.randomUUID()));
        StoredItem stored = new StoredItem(Source.CONSENTS, image);
        return DeletionReceiptsTable.toItem(Receipt.of(stored, "end_user_12m", stored.expiry().orElseThrow(),
                Instant.now(), Cause.TTL, null));
    }

    private static void report(String shape, int consents, int runs, java.util.function.Supplier<double[]> run) {
        System.out.printf("%nRetention TTL cascade (%d consents, %s, batches of 100, on the stack's DynamoDB Local; %d runs)%n",
                consents, shape, runs);
        double[] ratios = new double[runs];
        double[] cpuRatios = new double[runs];
        for (int i = 0; i < runs; i++) {
            double[] r = run.get();
            ratios[i] = r[0];
            cpuRatios[i] = r[1];
        }
        java.util.Arrays.sort(ratios);
        java.util.Arrays.sort(cpuRatios);
        System.out.printf("  retention.cascade (%s): TTL records/s : raw deletes/s, median of %d runs: wall clock %.2f,"
                + " CPU time %.2f (target >= 0.5)%n", shape, runs, ratios[runs / 2], cpuRatios[runs / 2]);
    }

    /** One run; returns TTL records/s : raw deletes/s, by wall clock and by CPU time. */
    private static double[] round(DynamoDbClient dynamo, String table, String streamArn, RetentionStreamHandler handler,
                                int consents, boolean withDependants, boolean print) {
        long now = Instant.now().getEpochSecond();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        List<Map<String, AttributeValue>> newest = new ArrayList<>();
        for (int i = 0; i < consents; i++) {
            String id = UUID.randomUUID().toString();
            if (withDependants) {
                items.add(consent(id, 1, now + 86_400 * 30)); // older version, longer policy: erased by the cascade
            }
            Map<String, AttributeValue> latest = consent(id, 2, now + 86_400); // TTL not due yet: DynamoDB Local keeps out
            items.add(latest);
            newest.add(latest);
        }
        batch(dynamo, table, items, true);
        batch(dynamo, table, newest, false); // what TTL does to the newest versions (untimed)
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        long sequence = System.nanoTime();
        for (Map<String, AttributeValue> item : newest) {
            Map<String, AttributeValue> old = new HashMap<>(item);
            old.put("expiresAt", AttributeValue.fromN(Long.toString(now - 1)));
            records.add(ttlRecord(old, streamArn, Long.toString(sequence++)));
        }

        long start = System.nanoTime();
        long cpuStart = Throughput.cpuNanos();
        int failures = 0;
        for (int from = 0; from < records.size(); from += 100) {
            DynamodbEvent event = new DynamodbEvent();
            event.setRecords(new ArrayList<>(records.subList(from, Math.min(records.size(), from + 100))));
            failures += handler.handleRequest(event, null).getBatchItemFailures().size();
        }
        double handlerSeconds = (System.nanoTime() - start) / 1e9;
        double handlerCpu = (Throughput.cpuNanos() - cpuStart) / 1e9;
        long leftOver = 0;
        for (Map<String, AttributeValue> item : items) {
            if (item.get("sk").s().equals("V#000001")) {
                Map<String, AttributeValue> found = dynamo.getItem(g -> g.tableName(table)
                        .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))).item();
                leftOver += found == null || found.isEmpty() ? 0 : 1;
            }
        }

        List<Map<String, AttributeValue>> raw = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            Map<String, AttributeValue> copy = new HashMap<>(item);
            copy.put("pk", AttributeValue.fromS(item.get("pk").s() + "-raw"));
            copy.remove("expiresAt");
            raw.add(copy);
        }
        batch(dynamo, table, raw, true);
        long rawStart = System.nanoTime();
        long rawCpuStart = Throughput.cpuNanos();
        batch(dynamo, table, raw, false);
        double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
        double rawCpu = (Throughput.cpuNanos() - rawCpuStart) / 1e9;

        double recordRate = records.size() / handlerSeconds;
        double erasedRate = (withDependants ? 2.0 : 1.0) * records.size() / handlerSeconds;
        double rawRate = raw.size() / rawSeconds;
        if (print) {
            System.out.printf("  records: %d, failures reported: %d, older versions left behind: %d; handler %.0f TTL records/s"
                            + " (%.0f items receipted/s), %.2f s; raw BatchWriteItem %.0f deletes/s (%d items, %.2f s);"
                            + " ratio %.2f (receipted items : raw %.2f); CPU seconds (this JVM, emulator included)"
                            + " handler %.2f, raw %.2f: CPU ratio %.2f%n",
                    records.size(), failures, leftOver, recordRate, erasedRate, handlerSeconds, rawRate, raw.size(),
                    rawSeconds, recordRate / rawRate, erasedRate / rawRate, handlerCpu, rawCpu,
                    (records.size() / handlerCpu) / (raw.size() / rawCpu));
        }
        return new double[] {recordRate / rawRate, (records.size() / handlerCpu) / (raw.size() / rawCpu)};
    }


    private static DynamodbEvent.DynamodbStreamRecord ttlRecord(Map<String, AttributeValue> oldImage, String streamArn,
                                                               String sequence) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("REMOVE");
        record.setEventSource("aws:dynamodb");
        record.setEventSourceARN(streamArn);
        record.setUserIdentity(new Identity().withType("Service").withPrincipalId("dynamodb.amazonaws.com"));
        StreamRecord stream = new StreamRecord();
        stream.setSequenceNumber(sequence);
        stream.setApproximateCreationDateTime(new Date());
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image = new HashMap<>();
        oldImage.forEach((k, v) -> {
            var value = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
            if (v.s() != null) {
                value.setS(v.s());
            } else {
                value.setN(v.n());
            }
            image.put(k, value);
        });
        stream.setOldImage(image);
        record.setDynamodb(stream);
        return record;
    }

    private static Map<String, AttributeValue> consent(String id, int version, long expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("CONSENT#" + id));
        item.put("sk", AttributeValue.fromS(String.format("V#%06d", version)));
        item.put(ConsentsTable.SITE_DAY_PK, AttributeValue.fromS(ConsentsTable.siteDayShard("bench-site#2026-01-01",
                ConsentsTable.shardOf(id, ConsentsTable.DEFAULT_SHARDS))));
        item.put(ConsentsTable.SITE_DAY_SK, AttributeValue.fromS("2026-01-01T00:00:00Z#" + id + "#" + version));
        item.put("consentId", AttributeValue.fromS(id));
        item.put("version", AttributeValue.fromN(Integer.toString(version)));
        item.put("siteId", AttributeValue.fromS("bench-site"));
        item.put("dataCategory", AttributeValue.fromS("end_user"));
        item.put("retentionRule", AttributeValue.fromS("end_user_12m"));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(expiresAt)));
        item.put("pageUrl", AttributeValue.fromS("https://bench.example/"));
        return item;
    }

    private static void batch(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> items, boolean put) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> writes = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + 25))) {
                writes.add(put
                        ? WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build()
                        : WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key(item)).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                var response = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() && !response.unprocessedItems().isEmpty()
                        ? response.unprocessedItems() : Map.of();
            }
        }
    }
}
