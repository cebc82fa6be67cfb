package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The privacy center in a real headless Chromium: Debian's {@code chromium}, driven by {@code playwright-core} from
 * {@code tests/browser} (never a downloaded browser), with {@code axe-core}. The browser side is
 * {@code node --test tests/browser/privacy-center/}; this class starts the suite, registers a branded site, seeds the
 * people's data in the shop's sources, runs it and fails on any browser failure. Screenshots go to
 * {@code tests/target/browser-screenshots/privacy-center/}.
 */
class BrowserPrivacyCenterIT extends IntegrationTest {
    static final String CHROMIUM = BrowserPackages.CHROMIUM;

    @Test
    void journeysShouldPassInARealBrowser_accessibleAndPhoneWide_inTwoLanguages() throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium (apt-get install chromium)").isExecutable();
        Path dir = BrowserPackages.install(stack.projectRoot());
        String siteId = uniqueId("center");
        Map<String, Object> site = Map.of("siteId", siteId, "name", siteId, "accountId", "acct-" + siteId,
                "allowedOrigins", List.of("https://shop.example.com"), "bannerVersion", "2026-11",
                "branding", Map.of("companyName", "Acme Shop B.V.", "contactEmail", "privacy@acme.example",
                        "dpoName", "Dana de Vries", "dpoEmail", "dpo@acme.example",
                        "supervisoryAuthorityName", "Autoriteit Persoonsgegevens",
                        "supervisoryAuthorityUrl", "https://autoriteitpersoonsgegevens.nl/"));
        stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite", "site", site));
        List<String> journeys = new ArrayList<>();
        for (String lang : List.of("en", "de")) {
            for (String type : List.of("access", "erasure")) {
                String email = uniqueId(type + "-" + lang) + "@example.org";
                TestBackends.seedCustomer(stack.awsClients().dynamoDb(), email);
                journeys.add("{\"type\":\"" + type + "\",\"lang\":\"" + lang + "\",\"email\":\"" + email + "\"}");
            }
        }
        // Readers of a marketing mail of this site, one per language: the mail links the preferences page.
        List<String> readers = new ArrayList<>();
        for (String lang : List.of("en", "de")) {
            String email = uniqueId("reader-" + lang) + "@example.org";
            NotificationPipelineIT.enqueue(new io.privacysuite.notify.Notification(uniqueId("news"),
                    io.privacysuite.notify.Notification.MARKETING, "newsletter", lang, email, "newsletter",
                    Map.of("title", "Acme news", "text", "Our autumn collection is here.", "siteId", siteId), null));
            readers.add("{\"lang\":\"" + lang + "\",\"email\":\"" + email + "\"}");
        }
        Path shots = stack.projectRoot().resolve("tests").resolve("target").resolve("browser-screenshots")
                .resolve("privacy-center");

        String tap = BrowserPackages.runTests(dir, "privacy-center", journeys.size() + readers.size(), Map.of(
                "PRIVACYSUITE_BASE", stack.httpBaseUri().toString(),
                "MAILBOX", stack.endpoints().ses().toString(),
                "SITE_ID", siteId,
                "JOURNEYS", "[" + String.join(",", journeys) + "]",
                "READERS", "[" + String.join(",", readers) + "]",
                "SHOTS", shots.toString()), "privacy center browser tests", "pages");
        // 8 pages and emails per journey, the export page for each access journey, 4 per preferences reader.
        assertThat(tap).as(tap).contains("# pages and emails checked: " + (journeys.size() * 8 + 2 + readers.size() * 4));
        try (var files = Files.list(shots)) {
            assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(42);
        }
    }
}
