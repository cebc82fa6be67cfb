package io.privacysuite.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.notify.EmailTemplate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateRendererTest {
    private final TemplateRenderer renderer = new TemplateRenderer();
    private static final Map<String, String> DATA = Map.of(
            "requestId", "req-1", "type", "erasure", "verifyUrl", "https://api.example.com/v1/requests/req-1/verify?token=t&expires=9",
            "expiresInHours", "72", "receivedOn", "2027-01-31", "dueOn", "2027-02-28",
            "statusUrl", "https://api.example.com/v1/requests/req-1?token=s", "reason", "Needs <more> time & care",
            "siteId", "demo", "status", "verified");

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
            "request_verify, en", "request_verify, fr", "request_verify, nl", "request_verify, de",
            "request_acknowledged, en", "request_acknowledged, fr", "request_acknowledged, nl", "request_acknowledged, de",
            "request_extended, en", "request_extended, fr", "request_extended, nl", "request_extended, de",
            "request_rejected, en", "request_rejected, fr", "request_rejected, nl", "request_rejected, de",
            "request_completed, en", "request_completed, fr", "request_completed, nl", "request_completed, de",
            "operator_reminder, en"})
    void shouldRenderEveryTemplateInEveryLanguage_withoutLeftOverTags(String template, String locale) {
        TemplateRenderer.Rendered r = renderer.render(EmailTemplate.fromWire(template).orElseThrow(), locale, DATA, null,
                false);

        assertThat(r.subject()).isNotBlank().doesNotContain("{{");
        assertThat(r.text()).contains("req-1").doesNotContain("{{").doesNotContain("Subject:");
        assertThat(r.html()).contains("lang=\"" + locale + "\"").contains("req-1");
    }

    @Test
    void shouldLocalizeDatesAndRequestTypes() {
        assertThat(renderer.render(EmailTemplate.REQUEST_ACKNOWLEDGED, "fr", DATA, null, false).text())
                .contains("28 février 2027").contains("effacement");
        assertThat(renderer.render(EmailTemplate.REQUEST_ACKNOWLEDGED, "de", DATA, null, false).text())
                .contains("28. Februar 2027").contains("Löschung");
        assertThat(renderer.render(EmailTemplate.REQUEST_ACKNOWLEDGED, "nl", DATA, null, false).text())
                .contains("28 februari 2027").contains("gegevenswissing");
        assertThat(renderer.render(EmailTemplate.REQUEST_ACKNOWLEDGED, "en", DATA, null, false).text())
                .contains("February 28, 2027").contains("erasure");
    }

    @Test
    void shouldFallBackToEnglish_forUnknownLocaleOrMissingTranslation() {
        assertThat(renderer.render(EmailTemplate.REQUEST_VERIFY, "es", DATA, null, false).subject()).startsWith("Please confirm");
        assertThat(renderer.render(EmailTemplate.OPERATOR_REMINDER, "fr", DATA, null, false).subject()).startsWith("[DSAR");
    }

    @Test
    void shouldEscapeValuesInHtml_butNotInText_andLinkUrls() {
        TemplateRenderer.Rendered r = renderer.render(EmailTemplate.REQUEST_EXTENDED, "en", DATA, null, false);

        assertThat(r.text()).contains("Needs <more> time & care");
        assertThat(r.html()).contains("Needs &lt;more&gt; time &amp; care").doesNotContain("<more>");
        TemplateRenderer.Rendered verify = renderer.render(EmailTemplate.REQUEST_VERIFY, "en", DATA, null, false);
        assertThat(verify.html()).contains("<a href=\"https://api.example.com/v1/requests/req-1/verify?token=t&amp;expires=9\">");
    }

    @Test
    void shouldWriteCountsWithTheLanguagesPluralForms_andLinksAsWords() {
        Map<String, String> one = new java.util.HashMap<>(Map.of("requestId", "req-1", "type", "access",
                "recordCount", "1", "jsonUrl", "https://api.example.com/j", "htmlUrl", "https://api.example.com/h",
                "expiresOn", "2027-02-28"));
        assertThat(renderer.render(EmailTemplate.EXPORT_READY, "en", one, null, false).text())
                .contains("we found 1 record about you.");
        one.put("recordCount", "2");
        TemplateRenderer.Rendered two = renderer.render(EmailTemplate.EXPORT_READY, "de", one, null, false);
        assertThat(two.text()).contains("Wir haben 2 Einträge zu Ihnen gefunden.").doesNotContain("/Datensätze");
        assertThat(two.html()).contains("<a href=\"https://api.example.com/h\">Meine Daten im Browser lesen</a>")
                .contains("<main>").contains("<h1");
        one.put("erasedCount", "0");
        assertThat(renderer.render(EmailTemplate.ERASURE_DONE, "fr", one, null, false).text())
                .contains("(0 donnée enregistrée supprimée ou anonymisée)").doesNotContain("(s)");
        assertThat(renderer.render(EmailTemplate.ERASURE_DONE, "en", one, null, false).text())
                .contains("(0 records deleted or anonymized)");
    }

    @Test
    void shouldAddUnsubscribeLinkToMarketingFooter() {
        TemplateRenderer.Rendered r = renderer.render(EmailTemplate.NEWSLETTER, "en", Map.of("title", "News", "text", "Hello"),
                "https://api.example.com/v1/email/unsubscribe?token=x", true);

        assertThat(r.text()).contains("Unsubscribe: https://api.example.com/v1/email/unsubscribe?token=x");
        assertThat(r.html()).contains("href=\"https://api.example.com/v1/email/unsubscribe?token=x\" style=\"color:#0b4fa0\">Unsubscribe</a>");
    }

    @Test
    void shouldKnowNoTemplateByAnUnknownOrMalformedName() {
        assertThat(EmailTemplate.fromWire("no_such_template")).isEmpty();
        assertThat(EmailTemplate.fromWire("../layout.html")).isEmpty();
        assertThat(EmailTemplate.fromWire("layout")).isEmpty();
        assertThat(EmailTemplate.fromWire(null)).isEmpty();
    }

    @Test
    void shouldShipEveryTemplateInEnglish_andNoTemplateFileWithoutItsName() throws Exception {
        Map<String, String> data = new java.util.HashMap<>(DATA);
        data.putAll(Map.of("title", "News", "text", "Hello"));
        for (EmailTemplate template : EmailTemplate.values()) {
            assertThat(renderer.render(template, "en", data, "https://api.example.com/u?token=t", false).subject())
                    .as(template.wire()).isNotBlank();
        }
        java.nio.file.Path dir = java.nio.file.Path.of(getClass().getClassLoader().getResource("templates").toURI());
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".mustache"))
                    .filter(f -> !f.startsWith("layout.")).map(f -> f.substring(0, f.indexOf('.'))).distinct()
                    .map(EmailTemplate::fromWire)).allMatch(java.util.Optional::isPresent);
        }
    }
}
