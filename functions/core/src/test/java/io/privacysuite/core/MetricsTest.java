package io.privacysuite.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void shouldWriteOneEmbeddedMetricFormatLinePerEmit() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Metrics metrics = new Metrics("prod", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
        Map<Metrics.Name, Integer> values = new LinkedHashMap<>();
        values.put(Metrics.Name.EmailsSent, 3);
        values.put(Metrics.Name.EmailsFailed, 0);
        metrics.emit(values);
        metrics.emit(Map.of());

        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(1);
        JsonNode line = Json.read(lines[0]);
        assertThat(line.at("/_aws/Timestamp").asLong()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());
        JsonNode directive = line.at("/_aws/CloudWatchMetrics/0");
        assertThat(directive.get("Namespace").asText()).isEqualTo("PrivacySuite");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Stage\"]]");
        assertThat(directive.get("Metrics").toString())
                .isEqualTo("[{\"Name\":\"EmailsSent\",\"Unit\":\"Count\"},{\"Name\":\"EmailsFailed\",\"Unit\":\"Count\"}]");
        assertThat(line.get("Stage").asText()).isEqualTo("prod");
        assertThat(line.get("EmailsSent").asInt()).isEqualTo(3);
        assertThat(line.get("EmailsFailed").asInt()).isZero();
    }

    @Test
    void shouldWriteTheSameDocumentAsSerializingMapsWould() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
        Metrics metrics = new Metrics("dev", System.out, clock);
        Map<Metrics.Name, Number> values = new LinkedHashMap<>();
        values.put(Metrics.Name.ConsentsRecorded, 1);
        values.put(Metrics.Name.TtlDeletions, 12_345_678_901L);
        values.put(Metrics.Name.OpenRequests, 2.5);
        values.put(Metrics.Name.OverdueRequests, new java.math.BigDecimal("7.25"));

        java.util.List<Map<String, String>> definitions = new java.util.ArrayList<>();
        values.keySet().forEach(name -> definitions.add(Map.of("Name", name.name(), "Unit", "Count")));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", java.util.List.of(Map.of(
                "Namespace", "PrivacySuite", "Dimensions", java.util.List.of(java.util.List.of("Stage")),
                "Metrics", definitions))));
        document.put("Stage", "dev");
        values.forEach((name, value) -> document.put(name.name(), value));

        assertThat(Json.read(metrics.line(values))).isEqualTo(Json.read(Json.write(document)));
    }
}
