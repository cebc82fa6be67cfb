package io.privacysuite.requests.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.consent.Branding;
import io.privacysuite.consent.Site;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Regime;
import io.privacysuite.requests.RequestOutcome;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestType;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The people's pages: every word in four languages, plurals, branding, the status timeline. */
class PagesTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-02T10:00:00Z");
    private static final Site SITE = new Site("shop", "Shop", "acme", "acme", List.of("https://shop.example.com"), "1",
            12, RECEIVED, new Branding("Acme <B.V.>", "https://cdn.example.com/logo.png", "privacy@acme.example",
            "Dana Officer", "dpo@acme.example", "Autoriteit Persoonsgegevens", "https://autoriteitpersoonsgegevens.nl/"));

    private static Properties texts(String lang) throws Exception {
        Properties p = new Properties();
        try (InputStream in = PagesTest.class.getClassLoader().getResourceAsStream("pages/texts." + lang + ".properties")) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        return p;
    }

    @Test
    void shouldHaveEveryTextInEveryLanguage_withTheSamePlaceholders() throws Exception {
        Properties en = texts("en");
        for (String lang : List.of("fr", "nl", "de")) {
            Properties other = texts(lang);
            assertThat(other.stringPropertyNames()).as(lang).containsExactlyInAnyOrderElementsOf(en.stringPropertyNames());
            for (String key : en.stringPropertyNames()) {
                for (int i = 0; i < 4; i++) {
                    assertThat(other.getProperty(key).contains("{" + i + "}")).as(lang + " " + key + " {" + i + "}")
                            .isEqualTo(en.getProperty(key).contains("{" + i + "}"));
                }
            }
        }
    }

    @Test
    void shouldChoosePluralForms_perLanguage() {
        assertThat(Pages.in("en").plural("outcome.erased", 1)).isEqualTo("We erased 1 record about you.");
        assertThat(Pages.in("en").plural("outcome.erased", 0)).isEqualTo("We erased 0 records about you.");
        assertThat(Pages.in("fr").plural("outcome.erased", 0)).contains("0 donnée enregistrée");
        assertThat(Pages.in("fr").plural("outcome.erased", 2)).contains("2 données enregistrées");
        assertThat(Pages.in("de").plural("outcome.export", 3)).startsWith("Wir haben 3 Einträge");
        assertThat(Pages.in("nl").plural("outcome.export", 1)).startsWith("We vonden 1 gegeven ");
    }

    @Test
    void shouldBrandThePage_withContactDpoAndTheRightToComplain_escaped() {
        String html = Pages.in("de").forSite(SITE).withSwitcher("token=abc").page("Titel", "Text");

        assertThat(html).contains("<html lang=\"de\"").contains("Acme &lt;B.V.&gt;").doesNotContain("Acme <B.V.>")
                .contains("<img src=\"https://cdn.example.com/logo.png\" alt=\"Logo von Acme &lt;B.V.&gt;\">")
                .contains("<a href=\"mailto:dpo@acme.example\">dpo@acme.example</a>")
                .contains("<a href=\"https://autoriteitpersoonsgegevens.nl/\">Autoriteit Persoonsgegevens</a>")
                .contains("<a href=\"?token=abc&amp;lang=fr\" lang=\"fr\" hreflang=\"fr\">Français</a>")
                .contains("hreflang=\"de\" aria-current=\"page\">Deutsch</a>");
        assertThat(Pages.in("en").page("t")).doesNotContain("<footer>").doesNotContain("<nav");
    }

    @Test
    void shouldLetTheSwitcherWin_thenTheRequest_thenTheBrowser() {
        assertThat(Pages.forRequest("fr", "de", "nl").lang()).isEqualTo("fr");
        assertThat(Pages.forRequest("xx", "de", "nl").lang()).isEqualTo("de");
        assertThat(Pages.forRequest(null, null, "nl-BE,en;q=0.5").lang()).isEqualTo("nl");
    }

    @Test
    void shouldShowTheStatusAsATimeline_withWhatWasErasedAndKeptAndWhy() {
        LegalClock clock = new LegalClock(Regime.GDPR, ZoneId.of("Europe/Brussels"));
        Instant verified = RECEIVED.plusSeconds(600);
        Instant done = RECEIVED.plusSeconds(86_400 * 3);
        List<AuditEntry> audit = List.of(
                new AuditEntry(RECEIVED, "subject", "receive", "none", "pending_verification", "x"),
                new AuditEntry(verified, "subject", "verify", "pending_verification", "verified", "x"),
                new AuditEntry(verified, "system", "start_fulfilment", "verified", "in_progress", "3 data source(s)"),
                new AuditEntry(verified, "system", "source_done", "in_progress", "in_progress", "orders: found 2, deleted 2"),
                RequestOutcome.erasure(2, List.of(new RequestOutcome.Kept("invoices", 1,
                        "tax law: invoices are kept for 10 fiscal years", "2037-01-01"))).audit(done, "system", "in_progress"),
                new AuditEntry(done, "system", "complete", "in_progress", "completed", "erased 2"));
        DsarRequest request = DsarRequest.builder().requestId("r-1").type(RequestType.ERASURE)
                .status(RequestStatus.COMPLETED).siteId("shop").email("a@example.org").emailHash("h").locale("en")
                .details(Map.of()).consentIds(List.of()).subjectIds(List.of()).ignoredIdentifiers(List.of())
                .receivedAt(RECEIVED).deadline(clock.deadlineFor(RECEIVED)).closedAt(done).audit(audit).build();

        String html = StatusPage.render(Pages.in("en").forSite(SITE), request, "tok", done);

        assertThat(html).contains("<li><strong>Received</strong> <span class=\"when\"><time datetime=\"2026-11-02\">"
                + "November 2, 2026</time></span><br>We received your request.</li>")
                .contains("<strong>Confirmed</strong>").contains("<strong>In progress</strong>")
                .contains("<strong>Completed</strong>").contains("We erased 2 records about you.")
                .contains("We kept 1 record (invoices) because the law requires it: tax law: invoices are kept for 10 "
                        + "fiscal years. Deletion date: January 1, 2037.")
                .doesNotContain("orders: found").doesNotContain("source_done").doesNotContain("Next</h2>");
        assertThat(StatusPage.render(Pages.in("fr"), request, "tok", done)).contains("Nous avons effacé 2 données");
    }
}
