package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The privacy center in a real headless Chromium: Debian's {@code chromium}, driven by {@code playwright-core} from
 * {@code tests/browser} (never a downloaded browser), with {@code axe-core}. The browser side is
 * {@code node --test tests/browser/privacy-center/}; this class starts the suite, registers a branded site, seeds the
 * people's data in the shop's sources, runs it and fails on any browser failure. Screenshots go to
 * {@code tests/target/browser-screenshots/privacy-center/}.
 */
class BrowserPrivacyCenterIT extends IntegrationTest {
    static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

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

        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=tap", "--test-concurrency=1",
                "privacy-center/").directory(dir.toFile()).redirectErrorStream(true);
        node.environment().put("PRIVACYSUITE_BASE", stack.httpBaseUri().toString());
        node.environment().put("MAILBOX", stack.endpoints().ses().toString());
        node.environment().put("SITE_ID", siteId);
        node.environment().put("JOURNEYS", "[" + String.join(",", journeys) + "]");
        node.environment().put("READERS", "[" + String.join(",", readers) + "]");
        node.environment().put("SHOTS", shots.toString());
        node.environment().put("CHROMIUM", CHROMIUM);
        Path log = Files.createTempFile("browser-privacy-center", ".tap");
        long start = System.nanoTime();
        Process process = node.redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String tap = Files.readString(log, StandardCharsets.UTF_8);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.println(String.join("; ", tap.lines().filter(l -> l.startsWith("# pass") || l.startsWith("# fail")
                || l.startsWith("# pages")).map(l -> l.substring(2)).toList()) + " in " + seconds
                + " s (privacy center browser tests, " + CHROMIUM + ")");

        assertThat(finished).as("browser tests finished within 10 minutes").isTrue();
        assertThat(tap).as(tap).contains("# pass " + (journeys.size() + readers.size())).contains("# fail 0").contains("# skipped 0")
                .contains("# cancelled 0");
        assertThat(process.exitValue()).as(tap).isZero();
        // 8 pages and emails per journey, the export page for each access journey, 4 per preferences reader.
        assertThat(tap).as(tap).contains("# pages and emails checked: " + (journeys.size() * 8 + 2 + readers.size() * 4));
        try (var files = Files.list(shots)) {
            assertThat(files.filter(p -> p.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(42);
        }
        Files.deleteIfExists(log);
    }
}
