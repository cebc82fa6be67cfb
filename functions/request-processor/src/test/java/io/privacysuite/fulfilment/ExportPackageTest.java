package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportPackageTest {
    @Test
    void shouldFollowTheDocumentedSchema_andRenderEscapedHtml() throws Exception {
        SourceOutcome orders = new SourceOutcome("orders", "orders", "Your orders",
                List.of(Map.of("orderId", "O-1", "note", "<script>x</script>")), 1, 0, 0, 0, 0, List.of(), List.of());
        SourceOutcome empty = new SourceOutcome("crm", "contact", "Your contact", List.of(), 0, 0, 0, 0, 0, List.of(), List.of());

        ExportPackage pkg = ExportPackage.of("req-1", "portability", "ann@example.org",
                Instant.parse("2026-11-22T10:00:00Z"), List.of(orders, empty));
        JsonNode json = Json.read(pkg.json());

        assertThat(json.path("schema").asText()).isEqualTo("privacysuite.dsar-export");
        assertThat(json.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.path("requestType").asText()).isEqualTo("portability");
        assertThat(json.path("generatedAt").asText()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(json.at("/subject/email").asText()).isEqualTo("ann@example.org");
        assertThat(json.at("/totals/records").asInt()).isEqualTo(1);
        assertThat(json.at("/totals/sources").asInt()).isEqualTo(2);
        assertThat(json.at("/sources/0/id").asText()).isEqualTo("orders");
        assertThat(json.at("/sources/0/recordCount").asInt()).isEqualTo(1);
        assertThat(json.at("/sources/0/records/0/orderId").asText()).isEqualTo("O-1");
        assertThat(json.at("/sources/1/records").isArray()).isTrue();
        assertThat(pkg.recordCount()).isEqualTo(1);
        assertThat(pkg.html()).contains("<h2>Your orders</h2>").contains("&lt;script&gt;").doesNotContain("<script>");
        assertThat(json.at("/sources/0").has("heldRecords")).isFalse();
    }

    @Test
    void shouldCountAndMarkRecordsKeptUnderALegalHold() throws Exception {
        SourceOutcome consents = new SourceOutcome("consents", "consent_records", "Your consents",
                List.of(Map.of("consentId", "c-1", Holds.EXPORT_MARKER, true)), 1, 0, 0, 0, 1, List.of(), List.of());

        ExportPackage pkg = ExportPackage.of("req-2", "access", "ann@example.org", Instant.parse("2026-11-22T10:00:00Z"),
                List.of(consents));

        assertThat(Json.read(pkg.json()).at("/sources/0/heldRecords").asInt()).isEqualTo(1);
        assertThat(Json.read(pkg.json()).at("/sources/0/records/0/heldUnderLegalHold").asBoolean()).isTrue();
        assertThat(pkg.html()).contains("kept under a legal hold");
        assertThat(consents.summary()).isEqualTo("consents: found 1, 1 under legal hold");
    }

    @Test
    void shouldSummarizeOutcomesForTheAuditTrail_withoutRecordContents() {
        SourceOutcome o = new SourceOutcome("invoices", "invoices", "Your invoices",
                List.of(Map.of("email", "ann@example.org")), 2, 1, 0, 0, 0,
                List.of(new SourceOutcome.Kept("invoices", 1, "tax law", java.time.LocalDate.of(2037, 1, 1), true)),
                List.of());

        assertThat(o.summary()).isEqualTo("invoices: found 2, deleted 1, kept 1 invoices (tax law, until 2037-01-01, restricted)");
        assertThat(o.summary()).doesNotContain("ann@example.org");
    }

    @Test
    void shouldRenderAPageAPersonCanRead_inTheirLanguage_withoutInternalFields_andWithArt15Context() throws Exception {
        SourceOutcome consents = new SourceOutcome("consents", "consent_records", "Ihre Einwilligungen",
                List.of(new java.util.LinkedHashMap<>(Map.of("pk", "CONSENT#c-1", "sk", "V#000001", "emailHash", "ab12",
                        "retentionRule", "end_user_12m", "expiresAt", 2_111_000_000L, "shippingName", "Ann",
                        "recordedAt", "2026-11-22T10:15:30.123456789Z", "gpc", true))), 1, 0, 0, 0, 0, List.of(), List.of());
        DataMap.Context context = DataMap.Context.parse(Json.read("""
                {"purposes":{"en":"Proof of consent","de":"Nachweis der Einwilligung"},"recipients":"Nobody",
                 "retention":{"de":"12 Monate"},"origin":{"de":"Ihr Browser"},
                 "fieldLabels":{"shippingName":{"de":"Name für den Versand"}}}"""), "consents");

        String html = ExportPackage.of("req-3", "access", "ann@example.org", Instant.parse("2026-11-22T10:00:00Z"),
                List.of(consents)).html("de", java.time.ZoneId.of("Europe/Brussels"), Map.of("consents", context));

        assertThat(html).contains("<html lang=\"de\"").contains("width=device-width")
                .contains("Wir haben 1 Eintrag über Sie gefunden.").contains("<dt>Wofür wir sie nutzen</dt><dd>Nachweis der Einwilligung</dd>")
                .contains("<dd>Nobody</dd>").contains("<dd>12 Monate</dd>").contains("<dd>Ihr Browser</dd>")
                .contains("<dt>Name für den Versand</dt><dd>Ann</dd>").contains("<dt>Aufbewahrt bis</dt><dd>22. November 2036</dd>")
                .contains("<dt>Global-Privacy-Control-Signal</dt><dd>Ja</dd>").contains("22. November 2026")
                .contains("Aufsichtsbehörde")
                .doesNotContain("V#000001").doesNotContain("CONSENT#").doesNotContain("end_user_12m")
                .doesNotContain("ab12").doesNotContain("123456789").doesNotContain("record(s)");
        assertThat(ExportPackage.of("req-3", "access", "a@example.org", Instant.parse("2026-11-22T10:00:00Z"),
                List.of(consents)).json()).contains("V#000001").contains("end_user_12m");
        assertThatThrownBy(() -> DataMap.Context.parse(Json.read("{\"purpose\":\"x\"}"), "s"))
                .hasMessageContaining("s.context.purpose is unknown");
    }
}
