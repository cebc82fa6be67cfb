package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator's proof: a site's consents exported by date range, each line checkable against its key. */
class ConsentProofIT extends IntegrationTest {

    @Test
    void shouldExportEveryConsentOfTheRange_andVerifyEachLine() throws Exception {
        String siteId = uniqueId("proof");
        registerSite(siteId, siteId, "v1", "https://proof.example");
        Set<String> recorded = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            JsonNode c = json(http("POST", "/v1/sites/" + siteId + "/consents",
                    "{\"method\":\"reject_all\",\"bannerVersion\":\"v1\",\"pageUrl\":\"https://proof.example/" + i + "\"}"));
            recorded.add(c.get("consentId").asText());
        }
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        // Two pages of 3 + 2 lines, joined by the continuation token.
        JsonNode page1 = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "exportConsents",
                "siteId", siteId, "from", today, "to", today, "limit", 3));
        assertThat(page1.get("count").asInt()).isEqualTo(3);
        assertThat(page1.hasNonNull("nextToken")).isTrue();
        JsonNode page2 = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "exportConsents",
                "siteId", siteId, "from", today, "to", today, "limit", 3, "nextToken", page1.get("nextToken").asText()));
        assertThat(page2.get("count").asInt()).isEqualTo(2);
        assertThat(page2.has("nextToken")).isFalse();

        String jsonl = page1.get("jsonl").asText() + page2.get("jsonl").asText();
        Set<String> exported = new HashSet<>();
        for (String line : jsonl.split("\n")) {
            JsonNode record = Json.read(line);
            exported.add(record.get("consentId").asText());
            assertThat(record.get("key").asText()).contains(".");
            assertThat(record.get("ipAnonymized").isNull() || record.get("ipAnonymized").asText().endsWith(".0")
                    || record.get("ipAnonymized").asText().endsWith("::")).isTrue();
        }
        assertThat(exported).isEqualTo(recorded);

        JsonNode audit = stack.functions().invokeForJson("ConsentAdminFunction",
                Map.of("action", "verifyRecords", "jsonl", jsonl));
        assertThat(audit.get("checked").asInt()).isEqualTo(5);
        assertThat(audit.get("valid").asInt()).isEqualTo(5);

        String altered = jsonl.replaceFirst("\"statistics\":false", "\"statistics\":true");
        JsonNode tampered = stack.functions().invokeForJson("ConsentAdminFunction",
                Map.of("action", "verifyRecords", "jsonl", altered));
        assertThat(tampered.get("invalid").asInt()).isEqualTo(1);
    }

    @Test
    void shouldRefuseBadExportsWithoutFailingTheInvocation() {
        JsonNode unknown = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "exportConsents",
                "siteId", "nope", "from", "2026-01-01", "to", "2026-01-31"));
        assertThat(unknown.at("/error/status").asInt()).isEqualTo(404);

        JsonNode tooLong = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "exportConsents",
                "siteId", "nope", "from", "2024-01-01", "to", "2026-01-31"));
        assertThat(tooLong.at("/error/fields/to").asText()).contains("366");

        JsonNode badSite = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite",
                "site", Map.of("siteId", "Bad Id", "allowedOrigins", java.util.List.of("https://x.example/path"))));
        assertThat(badSite.at("/error/fields").fieldNames()).toIterable()
                .contains("site.siteId", "site.allowedOrigins", "site.bannerVersion");

        JsonNode unknownAction = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "dropTables"));
        assertThat(unknownAction.at("/error/status").asInt()).isEqualTo(400);
    }

    @Test
    void shouldSeedTheSampleSiteFromTheConsoleEvent() {
        JsonNode site = io.privacysuite.local.runtime.LambdaJson.toTree(stack.functions().invokeEventFile("ConsentAdminFunction",
                "events/consent-admin/register-site.json"));
        assertThat(site.get("siteId").asText()).isEqualTo("demo-shop");
        assertThat(http("OPTIONS", "/v1/sites/demo-shop/consents", null, "origin", "https://shop.example.com")
                .statusCode()).isEqualTo(204);
    }
}
