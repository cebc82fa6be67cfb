package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.local.demo.DemoShop;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The demo shop's three banners (Klaro, Orejime, vanilla-cookieconsent) in a real headless Chromium: Debian's
 * {@code chromium}, driven by {@code playwright-core} from {@code tests/browser} (never a downloaded browser).
 * The browser side runs as {@code node --test tests/browser/banners/}; this class starts the suite, serves the
 * demo shop, runs it, fails on any browser failure and checks the store for what the browser cannot see.
 */
class BrowserBannersIT extends IntegrationTest {
    static final String CHROMIUM = BrowserPackages.CHROMIUM;
    /** 7 cases per banner, one for an unregistered origin, one for hostile query parameters. */
    static final int CASES = 3 * 7 + 2;

    @Test
    void bannersShouldRecordVerifyAndWithdrawInARealBrowser_andAForeignOriginRecordsNothing() throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium (apt-get install chromium; .ci/run does it)")
                .isExecutable();
        Path root = stack.projectRoot();
        Path dir = BrowserPackages.install(root);
        DemoShop.attach(stack);
        String blocked = uniqueId("blocked");
        registerSite(blocked, uniqueId("acme"), DemoShop.BANNER_VERSION, "https://shop.example.com");
        int demoBefore = consentItems(DemoShop.SITE_ID);

        String tap = BrowserPackages.runTests(dir, "banners", CASES, Map.of(
                "PRIVACYSUITE_BASE", "http://localhost:" + stack.httpBaseUri().getPort(),
                "PRIVACYSUITE_BLOCKED_SITE", blocked), "browser tests", "click->201");
        assertThat(tap).containsPattern("click->201: \\d+ clicks, median \\d+ ms");

        // A foreign origin's clicks left nothing behind. The demo site's are all stored, once each: per banner 5
        // accepts, a decline and a GPC accept (7 records), a change and a withdrawal; plus one record with a
        // hostile banner name: 3 * 9 + 1 versions (retries repeat their request id and write nothing new).
        assertThat(consentItems(blocked)).isZero();
        assertThat(consentItems(DemoShop.SITE_ID) - demoBefore).isEqualTo(3 * 9 + 1);
    }

    int consentItems(String siteId) {
        return stack.awsClients().dynamoDb().scanPaginator(r -> r.tableName(stack.resources().tableName("ConsentsTable"))
                .filterExpression(ConsentsTable.SITE_ID + " = :s").expressionAttributeValues(Map.of(":s", AttributeValue.fromS(siteId))))
                .stream().mapToInt(page -> page.count()).sum();
    }
}
