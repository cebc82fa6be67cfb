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
}
