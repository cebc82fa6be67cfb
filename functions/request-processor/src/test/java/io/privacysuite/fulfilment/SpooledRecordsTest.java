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

    private static final DataMap.Context CONTEXT = context();
    private static final java.time.ZoneId BRUSSELS = java.time.ZoneId.of("Europe/Brussels");

    private static DataMap.Context context() {
        try {
            return DataMap.Context.parse(io.privacysuite.core.Json.read("""
                    {"purposes":{"en":"Delivery","de":"Lieferung"},"recipients":"Couriers",
                     "fieldLabels":{"shippingName":{"de":"Name für den Versand"}}}"""), "orders");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final DataMap.Source WITH_CONTEXT = DataMap.parse("""
            {"schemaVersion":1,"sources":[{"id":"orders","kind":"dynamodb","table":"t",
             "lookup":{"attribute":"email","by":"email"},"category":"orders","description":"Your orders",
             "erasure":{"mode":"delete"},"context":{"purposes":{"en":"Delivery","de":"Lieferung"},
             "recipients":"Couriers","fieldLabels":{"shippingName":{"de":"Name für den Versand"}}}}]}""",
            io.privacysuite.core.Env.of(Map.of())).sources().get(0);

    @Test
    void shouldWriteExportFilesIdenticalToThoseOfRecordsHeldInMemory_whetherSerializedAheadOrNot() throws Exception {
        List<Map<String, AttributeValue>> items = items();
        SourceOutcome inMemory = SourceOutcome.exported(WITH_CONTEXT, items, i -> i.get("id").s().endsWith("7"),
                Items::plain);
        Instant at = Instant.parse("2026-11-29T10:00:00Z");
        ExportPackage fromMemory = ExportPackage.of("r", "access", "ann@example.org", at, List.of(inMemory));
        String readable = fromMemory.html("de", BRUSSELS, Map.of("orders", CONTEXT));
        assertThat(readable).contains("<dt>Name für den Versand</dt><dd>Ann &lt;Smith&gt;</dd>").contains("Lieferung")
                .doesNotContain("ORDER#R").doesNotContain("ab12");
        assertThat(fromMemory.json()).contains("1.50").contains("1E+3").contains("123456789012345678901234567890");
        ExportPackage.Page page = new ExportPackage.Page("de", BRUSSELS);
        // Spooled to files (budget 0) or kept in memory; with the page's rows rendered as found, or not.
        for (long budget : new long[] {0, SpooledRecords.MEMORY_BUDGET}) {
            for (ExportPackage.Page ahead : java.util.Arrays.asList(page, null)) {
                SourceOutcome serialized = SourceOutcome.exported(WITH_CONTEXT, each -> items.forEach(each),
                        i -> i.get("id").s().endsWith("7"), Items::plain, ahead, budget);
                ExportPackage pkg = ExportPackage.of("r", "access", "ann@example.org", at, List.of(serialized));
                String what = "budget " + budget + ", page " + ahead;
                assertThat(serialized.records()).as(what).isInstanceOf(SpooledRecords.class).hasSize(50);
                assertThat(((SpooledRecords) serialized.records()).spooled()).as(what).isEqualTo(budget == 0);
                assertThat(((SpooledRecords) serialized.records()).hasRowsFor("de", BRUSSELS, CONTEXT)).as(what)
                        .isEqualTo(ahead != null);
                assertThat(serialized.held()).isEqualTo(inMemory.held()).isEqualTo(5);
                assertThat(pkg.json()).as(what).isEqualTo(fromMemory.json());
                // The page the rows were rendered for, and other pages (rendered from the records read back).
                assertThat(pkg.html("de", BRUSSELS, Map.of("orders", CONTEXT))).as(what).isEqualTo(readable);
                assertThat(pkg.html()).as(what).isEqualTo(fromMemory.html());
                assertThat(pkg.html("de", java.time.ZoneOffset.UTC, Map.of("orders", CONTEXT))).as(what)
                        .isEqualTo(fromMemory.html("de", java.time.ZoneOffset.UTC, Map.of("orders", CONTEXT)));
                java.io.ByteArrayOutputStream streamed = new java.io.ByteArrayOutputStream();
                pkg.writeHtml(streamed, "de", BRUSSELS, Map.of("orders", CONTEXT));
                assertThat(streamed.toByteArray()).isEqualTo(readable.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                // Read again: the records are copied from their start each time the files are written.
                assertThat(pkg.json()).as(what).isEqualTo(fromMemory.json());
                assertThat(serialized.records().stream().skip(49).findFirst().orElseThrow().get("id")).isEqualTo("R49");
                serialized.release();
            }
        }
    }

    /** The format as a plain pretty-printed document (fields in the documented order): what a reader gets. */
    @Test
    void shouldWriteTheDocumentedJson_byteForByte_withEmptyHeldAndSeveralSources() throws Exception {
        List<Map<String, AttributeValue>> items = items();
        DataMap.Source other = DataMap.parse("""
                {"schemaVersion":1,"sources":[{"id":"tickets","kind":"dynamodb","table":"t",
                 "lookup":{"attribute":"email","by":"email"},"category":"support","description":"Tickets <&>",
                 "erasure":{"mode":"delete"}}]}""", io.privacysuite.core.Env.of(Map.of())).sources().get(0);
        List<SourceOutcome> outcomes = List.of(
                SourceOutcome.exported(SOURCE, each -> items.forEach(each), i -> i.get("id").s().endsWith("1"),
                        Items::plain, new ExportPackage.Page("en", BRUSSELS), 0),
                SourceOutcome.exported(other, each -> { }, i -> true, Items::plain, 0),
                SourceOutcome.exported(other, each -> items.subList(0, 1).forEach(each), i -> false, Items::plain,
                        SpooledRecords.MEMORY_BUDGET),
                SourceOutcome.found(other, List.of(Map.of("n", 1), Map.of()), 0));
        Instant at = Instant.parse("2026-11-29T10:00:00.5Z");

        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("schema", ExportPackage.SCHEMA);
        doc.put("schemaVersion", ExportPackage.SCHEMA_VERSION);
        doc.put("requestId", "r\"1");
        doc.put("requestType", "portability");
        doc.put("generatedAt", at.toString());
        doc.put("subject", Map.of("email", "ann@example.org"));
        Map<String, Object> totals = new java.util.LinkedHashMap<>();
        totals.put("sources", 4);
        totals.put("records", 53);
        doc.put("totals", totals);
        List<Map<String, Object>> sources = new ArrayList<>();
        for (SourceOutcome o : outcomes) {
            Map<String, Object> s = new java.util.LinkedHashMap<>();
            s.put("id", o.sourceId());
            s.put("category", o.category());
            s.put("description", o.description());
            s.put("recordCount", o.records().size());
            if (o.held() > 0) {
                s.put("heldRecords", o.held());
            }
            s.put("records", o.records().stream().toList());
            sources.add(s);
        }
        doc.put("sources", sources);
        // The records as they were (the maps read back from the spool parse numbers differently: not as the oracle).
        sources.get(0).put("records", SourceOutcome.exported(SOURCE, items, i -> i.get("id").s().endsWith("1"),
                Items::plain).records());
        sources.get(2).put("records", SourceOutcome.exported(other, items.subList(0, 1), i -> false, Items::plain)
                .records());
        // As bytes, as the files are written (UTF-8 generator: characters outside the BMP are escaped).
        String expected = new String(io.privacysuite.core.Json.MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(doc), java.nio.charset.StandardCharsets.UTF_8);

        String json = ExportPackage.of("r\"1", "portability", "ann@example.org", at, outcomes).json();
        assertThat(json).isEqualTo(expected).contains("\"records\" : [ ]").contains("\"heldRecords\" : 5")
                .contains("\"description\" : \"Tickets <&>\"");
        assertThat(io.privacysuite.core.Json.read(json).at("/sources/0/records/49/id").asText()).isEqualTo("R49");
        outcomes.forEach(SourceOutcome::release);
    }

    @Test
    void shouldDeleteItsFiles_onRelease_andWhenTheSourceFailsMidway() throws Exception {
        Set<Path> before = spoolFiles();
        SourceOutcome spooled = SourceOutcome.exported(SOURCE, each -> items().forEach(each), i -> false, Items::plain,
                new ExportPackage.Page("en", BRUSSELS), 0);
        assertThat(spoolFiles()).as("the JSON's and the page's").hasSize(before.size() + 2);
        spooled.release();
        assertThat(spoolFiles()).isEqualTo(before);

        assertThatThrownBy(() -> SourceOutcome.exported(SOURCE, each -> {
            items().subList(0, 3).forEach(each);
            throw new Connector.SourceFailedException("orders: query failed", null);
        }, i -> false, Items::plain, new ExportPackage.Page("en", BRUSSELS), 0)).hasMessageContaining("query failed");
        assertThat(spoolFiles()).isEqualTo(before);
    }

    @Test
    void shouldKeepASmallSubjectInMemory_andSpoolEveryRecordOnceOverBudget_withTheSameFiles() throws Exception {
        List<Map<String, AttributeValue>> items = items();
        Set<Path> before = spoolFiles();
        SourceOutcome small = SourceOutcome.exported(SOURCE, each -> items.forEach(each),
                i -> i.get("id").s().endsWith("3"), Items::plain, SpooledRecords.MEMORY_BUDGET);
        assertThat(((SpooledRecords) small.records()).spooled()).as("50 records fit the default budget").isFalse();
        assertThat(spoolFiles()).isEqualTo(before);
        // A budget that about ten records pass: the first ones were held in memory, then every byte goes to the file.
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
            assertThat(pkg.html("de", BRUSSELS, Map.of())).isEqualTo(expected.html("de", BRUSSELS, Map.of()));
            assertThat(outcome.records().stream().skip(49).findFirst().orElseThrow().get("id")).isEqualTo("R49");
        }
        small.release();
        over.release();
        assertThat(spoolFiles()).isEqualTo(before);
        assertThatThrownBy(() -> small.records().iterator()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> over.records().iterator()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ExportPackage.of("r", "access", "a@example.org", at, List.of(over)).json())
                .isInstanceOf(IllegalStateException.class);
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
