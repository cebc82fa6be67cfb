package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class SpooledRecordsTest {
    private static final DataMap.Source SOURCE = DataMap.parse("""
            {"schemaVersion":1,"sources":[{"id":"orders","kind":"dynamodb","table":"t",
             "lookup":{"attribute":"email","by":"email"},"category":"orders","description":"Your orders",
             "erasure":{"mode":"delete"}}]}""", io.privacysuite.core.Env.of(Map.of())).sources().get(0);

    /** Items with every DynamoDB type, awkward numbers and text a spool could alter. */
    private static List<Map<String, AttributeValue>> items() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("email", AttributeValue.fromS("ann@example.org"));
            item.put("id", AttributeValue.fromS("R" + i));
            item.put("price", AttributeValue.fromN(i % 2 == 0 ? "1.50" : "1E+3"));
            item.put("big", AttributeValue.fromN("123456789012345678901234567890"));
            item.put("negative", AttributeValue.fromN("-0.000001"));
            item.put("note", AttributeValue.fromS("é <b>\"x\"</b>\n\u0001 " + "\uD83D\uDE00"));
            item.put("flag", AttributeValue.fromBool(i % 3 == 0));
            item.put("none", AttributeValue.fromNul(true));
            item.put("nested", AttributeValue.fromM(Map.of("z", AttributeValue.fromN("2.0"),
                    "a", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("3"))))));
            item.put("tags", AttributeValue.fromSs(List.of("b", "a")));
            item.put("blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 255})));
            // What the readable page hides, relabels or turns into dates.
            item.put("pk", AttributeValue.fromS("ORDER#R" + i));
            item.put("emailHash", AttributeValue.fromS("ab12"));
            item.put("expiresAt", AttributeValue.fromN("2111000000"));
            item.put("recordedAt", AttributeValue.fromS("2026-11-22T10:15:30.123456789Z"));
            item.put("shippingName", AttributeValue.fromS("Ann <Smith>"));
            items.add(item);
        }
        return items;
    }

    @Test
    void shouldWriteExportFilesIdenticalToThoseOfRecordsHeldInMemory() throws Exception {
        List<Map<String, AttributeValue>> items = items();
        SourceOutcome inMemory = SourceOutcome.exported(SOURCE, items, i -> i.get("id").s().endsWith("7"), Items::plain);
        SourceOutcome spooled = SourceOutcome.exported(SOURCE, each -> items.forEach(each),
                i -> i.get("id").s().endsWith("7"), Items::plain, 0);
        Instant at = Instant.parse("2026-11-29T10:00:00Z");
        ExportPackage fromMemory = ExportPackage.of("r", "access", "ann@example.org", at, List.of(inMemory));
        ExportPackage fromSpool = ExportPackage.of("r", "access", "ann@example.org", at, List.of(spooled));

        assertThat(spooled.records()).isInstanceOf(SpooledRecords.class).hasSize(50);
        assertThat(((SpooledRecords) spooled.records()).spooled()).isTrue();
        assertThat(spooled.held()).isEqualTo(inMemory.held()).isEqualTo(5);
        assertThat(fromSpool.json()).isEqualTo(fromMemory.json()).contains("1.50").contains("1E+3")
                .contains("123456789012345678901234567890");
        assertThat(fromSpool.html()).isEqualTo(fromMemory.html());
        // The readable page as the processor writes it: the person's language and zone, the data map's context.
        DataMap.Context context = DataMap.Context.parse(io.privacysuite.core.Json.read("""
                {"purposes":{"en":"Delivery","de":"Lieferung"},"recipients":"Couriers",
                 "fieldLabels":{"shippingName":{"de":"Name für den Versand"}}}"""), "orders");
        java.time.ZoneId zone = java.time.ZoneId.of("Europe/Brussels");
        String readable = fromMemory.html("de", zone, Map.of("orders", context));
        assertThat(fromSpool.html("de", zone, Map.of("orders", context))).isEqualTo(readable);
        assertThat(readable).contains("<dt>Name für den Versand</dt><dd>Ann &lt;Smith&gt;</dd>").contains("Lieferung")
                .doesNotContain("ORDER#R").doesNotContain("ab12");
        java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
        fromSpool.writeHtml(streamed, "de", zone, Map.of("orders", context));
        assertThat(streamed.toByteArray()).isEqualTo(readable.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // Read again: the spool is read from its start each time the files are written.
        assertThat(fromSpool.json()).isEqualTo(fromMemory.json());
        spooled.release();
    }

    @Test
    void shouldDeleteItsFile_onRelease_andWhenTheSourceFailsMidway() throws Exception {
        Set<Path> before = spoolFiles();
        SourceOutcome spooled = SourceOutcome.exported(SOURCE, each -> items().forEach(each), i -> false, Items::plain, 0);
        assertThat(spoolFiles()).hasSize(before.size() + 1);
        spooled.release();
        assertThat(spoolFiles()).isEqualTo(before);

        assertThatThrownBy(() -> SourceOutcome.exported(SOURCE, each -> {
            items().subList(0, 3).forEach(each);
            throw new Connector.SourceFailedException("orders: query failed", null);
        }, i -> false, Items::plain, 0)).hasMessageContaining("query failed");
        assertThat(spoolFiles()).isEqualTo(before);
    }

    @Test
    void shouldKeepASmallSubjectInMemory_andSpoolEveryRecordOnceOverBudget_withTheSameFiles() throws Exception {
        List<Map<String, AttributeValue>> items = items();
        Set<Path> before = spoolFiles();
        SourceOutcome small = SourceOutcome.exported(SOURCE, each -> items.forEach(each),
                i -> i.get("id").s().endsWith("3"), Items::plain);
        assertThat(((SpooledRecords) small.records()).spooled()).as("50 records fit the default budget").isFalse();
        assertThat(spoolFiles()).isEqualTo(before);
        // A budget that about ten records pass: the first ones were held in memory, then every one goes to the file.
        SourceOutcome over = SourceOutcome.exported(SOURCE, each -> items.forEach(each),
                i -> i.get("id").s().endsWith("3"), Items::plain, 10_000);
        assertThat(((SpooledRecords) over.records()).spooled()).isTrue();
        assertThat(spoolFiles()).hasSize(before.size() + 1);
        SourceOutcome reference = SourceOutcome.exported(SOURCE, items, i -> i.get("id").s().endsWith("3"), Items::plain);

        Instant at = Instant.parse("2026-11-29T10:00:00Z");
        ExportPackage expected = ExportPackage.of("r", "access", "ann@example.org", at, List.of(reference));
        for (SourceOutcome outcome : List.of(small, over)) {
            ExportPackage pkg = ExportPackage.of("r", "access", "ann@example.org", at, List.of(outcome));
            assertThat(outcome.records()).hasSize(50);
            assertThat(outcome.held()).isEqualTo(5);
            assertThat(pkg.json()).isEqualTo(expected.json()).contains("\"heldUnderLegalHold\" : true");
            assertThat(pkg.html("de", java.time.ZoneId.of("Europe/Brussels"), Map.of()))
                    .isEqualTo(expected.html("de", java.time.ZoneId.of("Europe/Brussels"), Map.of()));
            assertThat(outcome.records().stream().skip(49).findFirst().orElseThrow().get("id")).isEqualTo("R49");
        }
        small.release();
        over.release();
        assertThat(spoolFiles()).isEqualTo(before);
        assertThatThrownBy(() -> small.records().iterator()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> over.records().iterator()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldKeepEachRecordsFieldOrder() {
        Map<String, Object> record = new TreeMap<>(Map.of("b", 1, "a", "x", "c", List.of(BigDecimal.ONE)));
        for (long budget : new long[] {0, SpooledRecords.MEMORY_BUDGET}) {
            SpooledRecords spool = new SpooledRecords(budget);
            spool.add(record);
            spool.finish();
            assertThat(spool.spooled()).isEqualTo(budget == 0);
            assertThat(String.join(",", spool.get(0).keySet())).isEqualTo("a,b,c");
            assertThat(spool.stream().toList()).hasSize(1);
            assertThatThrownBy(() -> spool.add(record)).isInstanceOf(IllegalStateException.class);
            spool.close();
        }
    }

    private static Set<Path> spoolFiles() throws Exception {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("export-records")).collect(Collectors.toSet());
        }
    }
}
