package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The cookie banner's server side, driven over HTTP through the local suite's routing to the real handler. */
class ConsentApiIT extends IntegrationTest {
    static final String ORIGIN = "https://shop.example.com";
    String siteId;
    String group;

    @BeforeEach
    void registerSites() {
        siteId = uniqueId("shop");
        group = uniqueId("acme");
        registerSite(siteId, group, "2026-11", ORIGIN, "http://localhost:8080");
    }

    static String body(String method, String categories, String extra) {
        return "{\"method\":\"" + method + "\"," + (categories == null ? "" : "\"categories\":" + categories + ",")
                + "\"bannerVersion\":\"2026-11\",\"pageUrl\":\"https://shop.example.com/cart?email=jane%40example.com\""
                + (extra == null ? "" : "," + extra) + "}";
    }

    HttpResponse<String> record(String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "origin";
        all[1] = ORIGIN;
        all[2] = "x-forwarded-for";
        all[3] = "198.51.100.77";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return http("POST", "/v1/sites/" + siteId + "/consents", body, all);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    HttpResponse<String> verify(String site, String consentId, String query) {
        return get("/v1/sites/" + site + "/consents/" + consentId + "/verify?" + query);
    }

    @Test
    void shouldRecordConsentWithProof_andVerifyIt() {
        HttpResponse<String> response = record(body("custom",
                "{\"preferences\":true,\"statistics\":false,\"marketing\":true}", null));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        JsonNode consent = json(response);
        assertThat(consent.get("version").asInt()).isEqualTo(1);
        assertThat(consent.at("/categories/necessary").asBoolean()).isTrue();
        assertThat(consent.at("/categories/statistics").asBoolean()).isFalse();
        assertThat(consent.at("/categories/marketing").asBoolean()).isTrue();
        assertThat(consent.get("ipAnonymized").asText()).isEqualTo("198.51.100.0");
        assertThat(consent.get("pageUrl").asText()).isEqualTo("https://shop.example.com/cart");
        assertThat(consent.get("gpc").asBoolean()).isFalse();
        Instant recorded = Instant.parse(consent.get("recordedAt").asText());
        assertThat(Instant.parse(consent.get("expiresAt").asText()))
                .isBetween(recorded.plus(Duration.ofDays(364)), recorded.plus(Duration.ofDays(366)));

        // The TTL attribute is on the stored item, so DynamoDB erases it without our help.
        Map<String, AttributeValue> item = stack.awsClients().dynamoDb().getItem(r -> r
                .tableName(stack.resources().tableName("ConsentsTable"))
                .key(Map.of("pk", AttributeValue.fromS("CONSENT#" + consent.get("consentId").asText()),
                        "sk", AttributeValue.fromS("V#000001")))).item();
        assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo(
                Instant.parse(consent.get("expiresAt").asText()).getEpochSecond());
        assertThat(item.get("retentionRule").s()).isEqualTo("end_user_12m");
        assertThat(item.toString()).doesNotContain("198.51.100.77").doesNotContain("jane");

        JsonNode verified = json(verify(siteId, consent.get("consentId").asText(), "version=1&key="
                + q(consent.get("key").asText()) + "&preferences=true&statistics=false&marketing=true"));
        assertThat(verified.get("status").asText()).isEqualTo("valid");
        assertThat(verified.at("/consent/categories/marketing").asBoolean()).isTrue();
    }

    @Test
    void shouldAnswerInvalid_whenTheBrowserStateOrKeyWasAltered() {
        JsonNode consent = json(record(body("custom", "{\"preferences\":true,\"statistics\":false,\"marketing\":false}", null)));
        String id = consent.get("consentId").asText();
        String key = consent.get("key").asText();

        JsonNode tamperedState = json(verify(siteId, id, "key=" + q(key) + "&preferences=true&statistics=false&marketing=true"));
        assertThat(tamperedState.get("status").asText()).isEqualTo("invalid");
        assertThat(tamperedState.has("consent")).isFalse();

        String forged = key.substring(0, key.length() - 2) + (key.endsWith("AA") ? "BB" : "AA");
        assertThat(json(verify(siteId, id, "key=" + q(forged))).get("status").asText()).isEqualTo("invalid");
        assertThat(verify(siteId, id, "preferences=true").statusCode()).isEqualTo(400);
    }

    @Test
    void shouldHonourGlobalPrivacyControl_byKeepingMarketingOff() {
        HttpResponse<String> response = record(body("accept_all", null, null), "sec-gpc", "1");
        JsonNode consent = json(response);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(consent.get("gpc").asBoolean()).isTrue();
        assertThat(consent.at("/categories/marketing").asBoolean()).isFalse();
        assertThat(consent.at("/categories/statistics").asBoolean()).isTrue();
    }

    @Test
    void shouldRecordOnce_whenTheBannerRetriesWithTheSameRequestId() {
        String requestId = UUID.randomUUID().toString();
        String requestBody = body("reject_all", null, "\"clientRequestId\":\"" + requestId + "\"");
        HttpResponse<String> first = record(requestBody);
        HttpResponse<String> retry = record(requestBody);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue("idempotent-replayed")).hasValue("true");
        assertThat(json(retry).get("consentId")).isEqualTo(json(first).get("consentId"));
        assertThat(json(retry).get("key")).isEqualTo(json(first).get("key"));

        HttpResponse<String> reused = record(body("accept_all", null, "\"clientRequestId\":\"" + requestId + "\""));
        assertThat(reused.statusCode()).isEqualTo(409);
        assertThat(json(reused).at("/error/code").asText()).isEqualTo("idempotency_key_reused");

        String id = json(first).get("consentId").asText();
        assertThat(stack.awsClients().dynamoDb().query(r -> r.tableName(stack.resources().tableName("ConsentsTable"))
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONSENT#" + id)))).count()).isEqualTo(1);
    }

    @Test
    void shouldRefuseRequestIdsTooShortToBeUnguessable() {
        HttpResponse<String> shortId = record(body("accept_all", null, "\"clientRequestId\":\"b7e0c1d2-0001\""));
        assertThat(shortId.statusCode()).isEqualTo(400);
        assertThat(json(shortId).at("/error/fields/clientRequestId").asText()).contains("UUID");

        HttpResponse<String> lowEntropy = record(body("accept_all", null, null),
                "idempotency-key", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        assertThat(lowEntropy.statusCode()).isEqualTo(400);

        String base64url = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.nio.ByteBuffer.allocate(16).putLong(System.nanoTime()).putLong(new java.security.SecureRandom()
                        .nextLong()).array());
        assertThat(record(body("accept_all", null, null), "idempotency-key", base64url).statusCode()).isEqualTo(201);
    }

    @Test
    void shouldNotHandTheKeyToAReplay_fromAnotherOriginOrWithAnotherBody() {
        String requestId = UUID.randomUUID().toString();
        String choice = "{\"preferences\":true,\"statistics\":false,\"marketing\":false}";
        String requestBody = body("custom", choice, "\"clientRequestId\":\"" + requestId + "\"");
        JsonNode original = json(record(requestBody));
        String path = "/v1/sites/" + siteId + "/consents";

        HttpResponse<String> noOrigin = http("POST", path, requestBody);
        HttpResponse<String> otherOrigin = http("POST", path, requestBody, "origin", "http://localhost:8080");
        HttpResponse<String> otherChoice = record(body("custom",
                "{\"preferences\":true,\"statistics\":true,\"marketing\":false}", "\"clientRequestId\":\"" + requestId + "\""));
        for (HttpResponse<String> replay : List.of(noOrigin, otherOrigin, otherChoice)) {
            assertThat(replay.statusCode()).isEqualTo(409);
            assertThat(replay.body()).doesNotContain(original.get("key").asText()).doesNotContain("\"key\"")
                    .doesNotContain("statistics").doesNotContain("origin").doesNotContain("fields");
        }
    }

    @Test
    void shouldDeriveConsentIdsNobodyCanPredictFromTheRequestId() {
        String requestId = UUID.randomUUID().toString();
        JsonNode consent = json(record(body("accept_all", null, "\"clientRequestId\":\"" + requestId + "\"")));
        String nameBased = UUID.nameUUIDFromBytes((siteId + "\u0000" + requestId)
                .getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(consent.get("consentId").asText()).isNotEqualTo(nameBased)
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }

    @Test
    void shouldCheckTheKeyBeforeAnsweringAReplayedChangeOrWithdrawal() {
        JsonNode v1 = json(record(body("accept_all", null, null)));
        String id = v1.get("consentId").asText();
        String changeKey = UUID.randomUUID().toString();
        String change = body("custom", "{\"preferences\":false,\"statistics\":false,\"marketing\":false}",
                "\"key\":\"" + v1.get("key").asText() + "\"");
        assertThat(http("PUT", "/v1/sites/" + siteId + "/consents/" + id, change, "origin", ORIGIN,
                "idempotency-key", changeKey).statusCode()).isEqualTo(200);

        HttpResponse<String> forgedChange = http("PUT", "/v1/sites/" + siteId + "/consents/" + id,
                change.replace(v1.get("key").asText(), "00000000.forged"), "origin", ORIGIN, "idempotency-key", changeKey);
        assertThat(forgedChange.statusCode()).isEqualTo(403);
        assertThat(forgedChange.body()).doesNotContain("\"key\"");

        String withdrawKey = UUID.randomUUID().toString();
        assertThat(http("POST", "/v1/sites/" + siteId + "/consents/" + id + "/withdraw",
                "{\"key\":\"" + v1.get("key").asText() + "\"}", "origin", ORIGIN, "idempotency-key", withdrawKey)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> forgedWithdraw = http("POST", "/v1/sites/" + siteId + "/consents/" + id + "/withdraw",
                "{\"key\":\"00000000.forged\"}", "origin", ORIGIN, "idempotency-key", withdrawKey);
        assertThat(forgedWithdraw.statusCode()).isEqualTo(403);
        assertThat(forgedWithdraw.body()).doesNotContain("\"key\"");
    }

    @Test
    void shouldAppendVersions_onChangeAndWithdrawal_andKeepTheHistory() {
        JsonNode v1 = json(record(body("accept_all", null, null)));
        String id = v1.get("consentId").asText();

        HttpResponse<String> changed = http("PUT", "/v1/sites/" + siteId + "/consents/" + id,
                body("custom", "{\"preferences\":true,\"statistics\":false,\"marketing\":false}",
                        "\"key\":\"" + v1.get("key").asText() + "\""), "origin", ORIGIN);
        assertThat(changed.statusCode()).isEqualTo(200);
        JsonNode v2 = json(changed);
        assertThat(v2.get("version").asInt()).isEqualTo(2);
        assertThat(v2.get("consentId").asText()).isEqualTo(id);

        // Another tab still holding v1's key can withdraw: withdrawal must be as easy as giving.
        HttpResponse<String> withdrawn = http("POST", "/v1/sites/" + siteId + "/consents/" + id + "/withdraw",
                "{\"key\":\"" + v1.get("key").asText() + "\"}", "origin", ORIGIN);
        assertThat(withdrawn.statusCode()).isEqualTo(200);
        JsonNode v3 = json(withdrawn);
        assertThat(v3.get("version").asInt()).isEqualTo(3);
        assertThat(v3.get("method").asText()).isEqualTo("withdrawal");
        assertThat(v3.at("/categories/preferences").asBoolean()).isFalse();
        assertThat(v3.at("/categories/statistics").asBoolean()).isFalse();

        assertThat(json(verify(siteId, id, "version=1&key=" + q(v1.get("key").asText()))).get("status").asText())
                .isEqualTo("superseded");
        assertThat(json(verify(siteId, id, "key=" + q(v3.get("key").asText()))).get("status").asText())
                .isEqualTo("valid");

        JsonNode history = json(get("/v1/sites/" + siteId + "/consents/" + id + "/history?key="
                + q(v3.get("key").asText())));
        assertThat(history.get("versions")).hasSize(3);
        assertThat(history.at("/versions/0/method").asText()).isEqualTo("accept_all");
        assertThat(history.at("/versions/2/method").asText()).isEqualTo("withdrawal");

        HttpResponse<String> wrongKey = http("POST", "/v1/sites/" + siteId + "/consents/" + id + "/withdraw",
                "{\"key\":\"abc.def\"}");
        assertThat(wrongKey.statusCode()).isEqualTo(403);
        assertThat(get("/v1/sites/" + siteId + "/consents/" + id + "/history?key=abc.def").statusCode())
                .isEqualTo(403);
    }

    @Test
    void shouldSayOutdatedVersion_whenTheBannerChangedSinceConsent() {
        String oldBanner = body("accept_all", null, null).replace("2026-11", "2026-01");
        JsonNode consent = json(record(oldBanner));
        JsonNode verified = json(verify(siteId, consent.get("consentId").asText(), "key=" + q(consent.get("key").asText())));
        assertThat(verified.get("status").asText()).isEqualTo("outdated_version");
        assertThat(verified.get("currentBannerVersion").asText()).isEqualTo("2026-11");
    }

    @Test
    void shouldHonourConsentAcrossTheCompanysSites_butNotOtherCompanies() {
        String sibling = uniqueId("blog");
        registerSite(sibling, group, "2026-11", "https://blog.example.com");
        String stranger = uniqueId("other");
        registerSite(stranger, uniqueId("othercorp"), "2026-11", "https://other.example.org");
        JsonNode consent = json(record(body("accept_all", null, null)));
        String query = "key=" + q(consent.get("key").asText());

        assertThat(json(verify(sibling, consent.get("consentId").asText(), query)).get("status").asText())
                .isEqualTo("valid");
        assertThat(json(verify(stranger, consent.get("consentId").asText(), query)).get("status").asText())
                .isEqualTo("invalid");
    }

    @Test
    void shouldAnswerCorsOnlyForTheSitesOwnOrigins() {
        HttpResponse<String> allowed = http("OPTIONS", "/v1/sites/" + siteId + "/consents", null,
                "origin", ORIGIN, "access-control-request-method", "POST");
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        assertThat(allowed.headers().firstValue("access-control-expose-headers")).hasValue("retry-after, idempotent-replayed");

        HttpResponse<String> foreign = http("OPTIONS", "/v1/sites/" + siteId + "/consents", null,
                "origin", "https://evil.example", "access-control-request-method", "POST");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();

        HttpResponse<String> forgedPost = http("POST", "/v1/sites/" + siteId + "/consents",
                body("accept_all", null, null), "origin", "https://evil.example");
        assertThat(forgedPost.statusCode()).isEqualTo(403);
        assertThat(json(forgedPost).at("/error/code").asText()).isEqualTo("origin_not_allowed");
    }

    @Test
    void primingForSnapStartShouldWriteNothing() {
        String table = stack.resources().tableName("ConsentsTable");
        int before = stack.awsClients().dynamoDb().scan(r -> r.tableName(table).select("COUNT")).count();
        new io.privacysuite.consent.api.ConsentApiHandler(stack.env("ConsentApiFunction")).prime();
        assertThat(stack.awsClients().dynamoDb().scan(r -> r.tableName(table).select("COUNT")).count())
                .isEqualTo(before);
    }

    @Test
    void shouldRefuseBadInputWithClearJsonErrors() {
        HttpResponse<String> unknownSite = http("POST", "/v1/sites/no-such-site/consents", body("accept_all", null, null));
        assertThat(unknownSite.statusCode()).isEqualTo(404);
        assertThat(json(unknownSite).at("/error/code").asText()).isEqualTo("not_found");

        HttpResponse<String> invalid = record("{\"method\":\"maybe\",\"pageUrl\":\"ftp://x\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).at("/error/fields").fieldNames()).toIterable()
                .contains("method", "bannerVersion", "pageUrl");

        assertThat(record("{not json").statusCode()).isEqualTo(400);
        assertThat(record("[]").statusCode()).isEqualTo(400);

        String huge = body("accept_all", null, "\"tcString\":\"" + "A".repeat(9000) + "\"");
        HttpResponse<String> tooLarge = record(huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).at("/error/code").asText()).isEqualTo("payload_too_large");

        assertThat(verify(siteId, "no-such-consent", "key=a.b").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseDuplicateJsonKeys() {
        HttpResponse<String> duplicate = record("{\"method\":\"reject_all\",\"method\":\"accept_all\","
                + "\"bannerVersion\":\"2026-11\",\"pageUrl\":\"https://shop.example.com/\"}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(json(duplicate).at("/error/code").asText()).isEqualTo("bad_request");
    }

    @Test
    void shouldAnswer4xxNever500_forHugeOrStrangeIds() {
        String huge = "a".repeat(10_000);
        for (HttpResponse<String> response : List.of(
                http("POST", "/v1/sites/" + huge + "/consents", body("accept_all", null, null), "origin", ORIGIN),
                verify(siteId, huge, "key=a.b"),
                verify(huge, "x", "key=a.b"),
                get("/v1/sites/" + siteId + "/consents/" + huge + "/history?key=a.b"),
                http("PUT", "/v1/sites/" + siteId + "/consents/%00%0A", "{\"key\":\"a.b\"}", "origin", ORIGIN),
                http("POST", "/v1/sites/" + siteId + "/consents/" + UUID.randomUUID() + "/withdraw",
                        "{\"key\":\"" + huge + "\"}", "origin", ORIGIN))) {
            assertThat(response.statusCode()).as(response.uri().toString().substring(0, 60))
                    .isIn(400, 403, 404, 413);
        }
    }

    @Test
    void shouldRefuseAPageUrlOutsideTheSitesOrigins_andMaskEmailsInThePath() {
        HttpResponse<String> foreign = record(body("accept_all", null, null)
                .replace("https://shop.example.com/cart", "https://evil.example/cart"));
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(json(foreign).at("/error/fields/pageUrl").asText()).contains("origin");

        HttpResponse<String> masked = record(body("accept_all", null, null)
                .replace("https://shop.example.com/cart", "https://shop.example.com/u/jane.doe%40example.com/orders"));
        assertThat(masked.statusCode()).isEqualTo(201);
        assertThat(json(masked).get("pageUrl").asText()).doesNotContain("jane").doesNotContain("example.com/orders")
                .startsWith("https://shop.example.com/u/").endsWith("/orders");
    }

    static com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent recordEvent(String site, String ip) {
        return com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.builder()
                .withRouteKey("POST /v1/sites/{siteId}/consents")
                .withHeaders(Map.of("content-type", "application/json", "origin", ORIGIN))
                .withPathParameters(Map.of("siteId", site))
                .withRequestContext(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext
                        .builder().withRequestId("limits").withHttp(com.amazonaws.services.lambda.runtime.events
                                .APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                .withSourceIp(ip).build()).build())
                .withBody(body("accept_all", null, null)).withIsBase64Encoded(false).build();
    }

    @Test
    void shouldLimitConsentWritesPerClientAndPerSite_with429AndRetryAfter_andCountThem() {
        var env = stack.env("ConsentApiFunction").with(Map.of("CONSENT_LIMIT_PER_CLIENT_PER_MINUTE", "25",
                "CONSENT_LIMIT_PER_SITE_PER_MINUTE", "60"));
        java.io.ByteArrayOutputStream emitted = new java.io.ByteArrayOutputStream();
        var aws = new io.privacysuite.core.aws.AwsClients(env);
        var dynamo = aws.build(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder(), "DYNAMODB");
        // Two containers of the same function: the site's budget holds across both.
        var first = new io.privacysuite.consent.api.ConsentApiHandler(env);
        var second = new io.privacysuite.consent.api.ConsentApiHandler(new io.privacysuite.consent.api.ConsentApiHandler(env)
                .service(), io.privacysuite.consent.api.ConsentWriteLimits.from(env, dynamo, java.time.Clock.systemUTC()),
                new io.privacysuite.core.Metrics("it", new java.io.PrintStream(emitted, true, StandardCharsets.UTF_8),
                        java.time.Clock.systemUTC()));

        // Limits count per minute: start well inside one, so the window cannot turn mid-test.
        while (java.time.Instant.now().getEpochSecond() % 60 > 50) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
        }
        int client = 0;
        com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse refused = null;
        for (int i = 0; i < 60 && refused == null; i++) {
            var response = second.handleEvent(recordEvent(siteId, "198.51.100." + i), null);
            if (response.getStatusCode() == 429) {
                refused = response;
            } else {
                client++;
            }
        }
        assertThat(refused).as("one /24 is refused after its budget").isNotNull();
        assertThat(client).isBetween(25, 25 + 2 * 20);
        assertThat(Long.parseLong(refused.getHeaders().get("retry-after"))).isBetween(1L, 60L);
        assertThat(refused.getBody()).contains("too_many_requests");

        int site = client;
        for (int i = 0; i < 200 && site < 200; i++) {
            var handler = i % 2 == 0 ? first : second;
            var response = handler.handleEvent(recordEvent(siteId, "203.0." + i + ".9"), null);
            if (response.getStatusCode() == 429) {
                break;
            }
            site++;
        }
        assertThat(site).as("the site's budget across both containers").isBetween(60 - 2, 60 + 20);
        assertThat(second.handleEvent(recordEvent(siteId, "192.0.2.1"), null).getStatusCode()).isEqualTo(429);

        String lines = emitted.toString(StandardCharsets.UTF_8);
        assertThat(lines).contains("\"ConsentsRecorded\":1").contains("\"ConsentWritesLimited\":1")
                .contains("\"Namespace\":\"PrivacySuite\"");
    }
}
