package io.privacysuite.consent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentJson;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.Site;
import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.fixtures.InMemoryConsentStore;
import io.privacysuite.fixtures.InMemorySiteRegistry;
import io.privacysuite.fixtures.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's consent actions on in-memory stores: site upkeep, paged proof exports, the auditor's check. */
class ConsentAdminTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final InMemorySiteRegistry sites = new InMemorySiteRegistry(new Site("shop", "Shop", "acme", "acme",
            List.of("https://shop.example.com"), "2026-11", 12, NOW));
    private final InMemoryConsentStore store = new InMemoryConsentStore();
    private final ConsentSigner signer = new ConsentSigner(List.of("admin-test-secret-0123456789".getBytes(StandardCharsets.UTF_8)));
    private final ConsentAdmin admin = new ConsentAdmin(sites, store, signer, clock);

    private ConsentRecord stored(String id, String siteId, Instant at, Instant expiresAt) {
        ConsentRecord unsigned = ConsentRecord.builder().consentId(id).version(1).siteId(siteId).siteGroup("acme")
                .categories(Categories.NONE).method(ConsentMethod.REJECT_ALL).bannerVersion("2026-11")
                .pageUrl("https://shop.example.com/").ipAnonymized("198.51.100.0").recordedAt(at)
                .validUntil(at.plus(Duration.ofDays(365))).expiresAt(expiresAt).retentionRule("end_user_12m").build();
        ConsentRecord signed = unsigned.withKey(signer.sign(unsigned));
        store.append(signed);
        return signed;
    }

    private static JsonNode json(String text) throws Exception {
        return Json.read(text);
    }

    @Test
    void shouldRegisterASite_andReportEveryInvalidFieldAtOnce() throws Exception {
        ObjectNode out = admin.registerSite(json("""
                {"siteId":"blog","name":"Blog","accountId":"acme","allowedOrigins":["https://blog.example.com"],
                 "bannerVersion":"v2","consentLifetimeMonths":6}"""));

        assertThat(out.path("siteId").asText()).isEqualTo("blog");
        assertThat(out.path("siteGroup").asText()).isEqualTo("blog");
        assertThat(sites.find("blog").orElseThrow().consentLifetimeMonths()).isEqualTo(6);
        assertThat(sites.find("blog").orElseThrow().updatedAt()).isEqualTo(NOW);

        DomainException e = catchThrowableOfType(DomainException.class, () -> admin.registerSite(json("""
                {"siteId":"NO","allowedOrigins":["https://x.example/path"],"bannerVersion":"","consentLifetimeMonths":13}""")));
        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
        assertThat(e.fieldErrors()).containsOnlyKeys("site.siteId", "site.allowedOrigins", "site.bannerVersion",
                "site.consentLifetimeMonths");
        assertThat(sites.find("NO")).isEmpty();
    }

    @Test
    void shouldRegisterBranding_forThePrivacyPages_andRefuseEveryBadFieldAtOnce() throws Exception {
        ObjectNode out = admin.registerSite(json("""
                {"siteId":"shop2","name":"Shop","allowedOrigins":["https://shop.example.com"],"bannerVersion":"v1",
                 "branding":{"companyName":"Acme Shop B.V.","logoUrl":"https://cdn.example.com/logo.png",
                   "contactEmail":"privacy@acme.example","dpoName":"Dana Officer","dpoEmail":"dpo@acme.example",
                   "supervisoryAuthorityName":"Autoriteit Persoonsgegevens",
                   "supervisoryAuthorityUrl":"https://autoriteitpersoonsgegevens.nl/"}}"""));

        Site stored = sites.find("shop2").orElseThrow();
        assertThat(stored.displayName()).isEqualTo("Acme Shop B.V.");
        assertThat(stored.branding().dpoEmail()).isEqualTo("dpo@acme.example");
        assertThat(stored.branding().authorityUrl()).isEqualTo("https://autoriteitpersoonsgegevens.nl/");
        assertThat(out.path("branding").path("contactEmail").asText()).isEqualTo("privacy@acme.example");

        DomainException e = catchThrowableOfType(DomainException.class, () -> admin.registerSite(json("""
                {"siteId":"shop3","allowedOrigins":["https://shop.example.com"],"bannerVersion":"v1",
                 "branding":{"companyName":"Acme\\u0000Evil","logoUrl":"javascript:alert(1)",
                   "contactEmail":"not an address","dpoEmail":"dpo@","supervisoryAuthorityUrl":"http://plain.example",
                   "dpoName":"%s","colour":"red"}}""".formatted("x".repeat(121)))));
        assertThat(e.fieldErrors()).containsOnlyKeys("site.branding.companyName", "site.branding.logoUrl",
                "site.branding.contactEmail", "site.branding.dpoEmail", "site.branding.supervisoryAuthorityUrl",
                "site.branding.dpoName", "site.branding.colour");
        assertThat(sites.find("shop3")).isEmpty();
        assertThat(catchThrowableOfType(DomainException.class, () -> admin.registerSite(json("""
                {"siteId":"shop4","allowedOrigins":["https://shop.example.com"],"bannerVersion":"v1","branding":"Acme"}
                """))).fieldErrors()).containsOnlyKeys("site.branding");
    }

    @Test
    void shouldRefuseAccountGroupAndNameThatNoIndexKeyOrAccountMessageCouldHold_beforeWriting() throws Exception {
        String emoji = "\uD83D\uDE00".repeat(2000);
        DomainException e = catchThrowableOfType(DomainException.class, () -> admin.registerSite(json(
                "{\"siteId\":\"odd\",\"name\":\"a\\u0000b\",\"accountId\":\"" + emoji + "\",\"siteGroup\":\"g g\","
                        + "\"allowedOrigins\":[\"https://odd.example\"],\"bannerVersion\":\"v1\"}")));
        assertThat(e.kind()).isEqualTo(DomainException.Kind.INVALID);
        assertThat(e.fieldErrors()).containsOnlyKeys("site.accountId", "site.siteGroup", "site.name");
        assertThat(sites.find("odd")).isEmpty();
    }

    @Test
    void shouldExportLiveRecordsOfADateRange_pageByPage_withEachRecordsKey() throws Exception {
        List<String> live = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            live.add(stored("c-" + i, "shop", Instant.parse("2026-11-0" + (i + 1) + "T08:00:00Z"),
                    NOW.plus(Duration.ofDays(300))).consentId());
        }
        stored("erased", "shop", Instant.parse("2026-11-02T09:00:00Z"), NOW.minusSeconds(1));
        stored("other-site", "blog", Instant.parse("2026-11-02T09:00:00Z"), NOW.plus(Duration.ofDays(300)));

        List<String> exported = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            ObjectNode request = (ObjectNode) json("{\"siteId\":\"shop\",\"from\":\"2026-11-01\",\"to\":\"2026-11-30\",\"limit\":2}");
            if (next != null) {
                request.put("nextToken", next);
            }
            ObjectNode page = admin.exportConsents(request);
            for (String line : page.path("jsonl").asText().split("\n")) {
                if (!line.isBlank()) {
                    JsonNode record = Json.read(line);
                    exported.add(record.path("consentId").asText());
                    assertThat(signer.verify(ConsentJson.fromJson(record), record.path("key").asText())).isTrue();
                }
            }
            next = page.hasNonNull("nextToken") ? page.get("nextToken").asText() : null;
            pages++;
        } while (next != null && pages < 10);

        assertThat(exported).containsExactlyElementsOf(live);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void shouldRefuseABadRangeAnUnknownSiteAndAForeignToken() throws Exception {
        DomainException range = catchThrowableOfType(DomainException.class, () -> admin.exportConsents(json(
                "{\"siteId\":\"shop\",\"from\":\"2026-12-01\",\"to\":\"2026-11-01\",\"limit\":0}")));
        DomainException site = catchThrowableOfType(DomainException.class, () -> admin.exportConsents(json(
                "{\"siteId\":\"nope\",\"from\":\"2026-11-01\",\"to\":\"2026-11-02\"}")));
        DomainException token = catchThrowableOfType(DomainException.class, () -> admin.exportConsents(json(
                "{\"siteId\":\"shop\",\"from\":\"2026-11-01\",\"to\":\"2026-11-02\",\"nextToken\":\"bm90LWpzb24\"}")));

        assertThat(range.fieldErrors()).containsOnlyKeys("to", "limit");
        assertThat(site.kind()).isEqualTo(DomainException.Kind.NOT_FOUND);
        assertThat(token.kind()).isEqualTo(DomainException.Kind.INVALID);
        assertThat(token.getMessage()).isEqualTo("nextToken is not valid.");
    }

    @Test
    void shouldVerifyExportedLines_andFindTheAlteredOne() throws Exception {
        stored("c-1", "shop", Instant.parse("2026-11-03T08:00:00Z"), NOW.plus(Duration.ofDays(300)));
        String jsonl = admin.exportConsents(json("{\"siteId\":\"shop\",\"from\":\"2026-11-03\",\"to\":\"2026-11-03\"}"))
                .path("jsonl").asText();
        String altered = jsonl.replace("\"marketing\":false", "\"marketing\":true");

        ObjectNode intact = admin.verifyRecords(jsonl);
        ObjectNode checked = admin.verifyRecords(jsonl + altered + "not json\n");

        assertThat(intact.path("valid").asInt()).isEqualTo(1);
        assertThat(checked.path("checked").asInt()).isEqualTo(3);
        assertThat(checked.path("valid").asInt()).isEqualTo(1);
        assertThat(checked.path("invalid").asInt()).isEqualTo(2);
        assertThat(checked.path("results").get(2).path("reason").asText()).isEqualTo("not a consent proof record");
    }
}
