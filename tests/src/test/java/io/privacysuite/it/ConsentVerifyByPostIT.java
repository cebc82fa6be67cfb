package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Verification with the key in a JSON body (POST), next to the GET that carries it in the query string. */
class ConsentVerifyByPostIT extends IntegrationTest {
    static final String ORIGIN = "https://shop.example.com";
    String siteId;
    JsonNode consent;

    @BeforeEach
    void recordOne() {
        siteId = uniqueId("shop");
        registerSite(siteId, uniqueId("acme"), "2026-11", ORIGIN);
        HttpResponse<String> recorded = http("POST", "/v1/sites/" + siteId + "/consents",
                "{\"method\":\"custom\",\"categories\":{\"preferences\":true,\"statistics\":false,\"marketing\":true},"
                        + "\"bannerVersion\":\"2026-11\",\"pageUrl\":\"https://shop.example.com/\"}",
                "origin", ORIGIN, "x-forwarded-for", "198.51.100.31");
        assertThat(recorded.statusCode()).isEqualTo(201);
        consent = json(recorded);
    }

    String id() {
        return consent.get("consentId").asText();
    }

    String key() {
        return consent.get("key").asText();
    }

    HttpResponse<String> verify(String consentId, String body, String... headers) {
        return http("POST", "/v1/sites/" + siteId + "/consents/" + consentId + "/verify", body, headers);
    }

    HttpResponse<String> verifyGet(String query) {
        return get("/v1/sites/" + siteId + "/consents/" + id() + "/verify?" + query);
    }

    @Test
    void shouldAnswerExactlyAsTheGet_forTheSameClaim() {
        String claim = "\"categories\":{\"preferences\":true,\"statistics\":false,\"marketing\":true}";
        HttpResponse<String> posted = verify(id(), "{\"version\":1,\"key\":\"" + key() + "\"," + claim + "}",
                "origin", ORIGIN);
        HttpResponse<String> got = verifyGet("version=1&key=" + ConsentApiIT.q(key())
                + "&preferences=true&statistics=false&marketing=true");

        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(json(posted).get("status").asText()).isEqualTo("valid");
        assertThat(json(posted)).isEqualTo(json(got));
        assertThat(json(posted).path("consent").has("key")).as("no proof fields in the answer").isFalse();
        assertThat(posted.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(posted.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        // Without version and categories: the latest version and its key alone, as the GET.
        assertThat(json(verify(id(), "{\"key\":\"" + key() + "\"}")).get("status").asText()).isEqualTo("valid");
        // `necessary` may come along (the browser stores what the API answered), and must be true.
        assertThat(json(verify(id(), "{\"key\":\"" + key() + "\",\"categories\":{\"necessary\":true,"
                + "\"preferences\":true,\"statistics\":false,\"marketing\":true},\"clientRequestId\":\"x\"}"))
                .get("status").asText()).isEqualTo("valid");
    }

    @Test
    void shouldAnswerInvalid_whenTheClaimedCategoriesOrTheKeyWereAltered() {
        HttpResponse<String> altered = verify(id(), "{\"key\":\"" + key() + "\",\"categories\":"
                + "{\"preferences\":true,\"statistics\":true,\"marketing\":true}}");
        assertThat(altered.statusCode()).isEqualTo(200);
        assertThat(json(altered).get("status").asText()).isEqualTo("invalid");
        assertThat(json(altered).has("consent")).isFalse();

        String forged = key().substring(0, key().length() - 2) + (key().endsWith("AA") ? "BB" : "AA");
        assertThat(json(verify(id(), "{\"key\":\"" + forged + "\"}")).get("status").asText()).isEqualTo("invalid");
    }

    @Test
    void shouldSayTheWithdrawalIsValid_afterAWithdrawal() {
        HttpResponse<String> withdrawn = http("POST", "/v1/sites/" + siteId + "/consents/" + id() + "/withdraw",
                "{\"key\":\"" + key() + "\"}", "origin", ORIGIN);
        assertThat(withdrawn.statusCode()).isEqualTo(200);
        JsonNode w = json(withdrawn);

        JsonNode old = json(verify(id(), "{\"version\":1,\"key\":\"" + key() + "\"}"));
        assertThat(old.get("status").asText()).isEqualTo("superseded");
        JsonNode latest = json(verify(id(), "{\"version\":" + w.get("version").asInt() + ",\"key\":\""
                + w.get("key").asText() + "\",\"categories\":{\"preferences\":false,\"statistics\":false,"
                + "\"marketing\":false}}"));
        assertThat(latest.get("status").asText()).isEqualTo("valid");
        assertThat(latest.at("/consent/method").asText()).isEqualTo("withdrawal");
    }

    @Test
    void shouldRefuseBadBodiesWith400_listingEveryField() {
        HttpResponse<String> bad = verify(id(), "{\"version\":\"1\",\"key\":7,\"categories\":{\"preferences\":\"yes\","
                + "\"statistics\":true,\"necessary\":false,\"cookies\":true}}", "origin", ORIGIN);
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode error = json(bad).get("error");
        assertThat(error.get("code").asText()).isEqualTo("validation_failed");
        assertThat(error.get("fields").fieldNames()).toIterable().containsExactlyInAnyOrder("version", "key",
                "categories.preferences", "categories.marketing", "categories.necessary", "categories.cookies");
        assertThat(bad.headers().firstValue("access-control-allow-origin")).as("the page can read the error")
                .hasValue(ORIGIN);

        for (String body : List.of("{}", "{\"key\":null}", "{\"key\":\"  \"}", "{\"key\":[\"a.b\"]}")) {
            HttpResponse<String> r = verify(id(), body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).at("/error/fields/key").isTextual()).as(body).isTrue();
        }
        for (String version : List.of("0", "-1", "1.5", "2147483648", "1e3", "null")) {
            HttpResponse<String> r = verify(id(), "{\"key\":\"" + key() + "\",\"version\":" + version + "}");
            assertThat(r.statusCode()).as(version).isEqualTo(version.equals("null") ? 200 : 400);
        }
        assertThat(json(verify(id(), "{\"key\":\"" + key() + "\",\"categories\":[true,false,true]}"))
                .at("/error/fields/categories").isTextual()).isTrue();

        HttpResponse<String> duplicate = verify(id(), "{\"key\":\"" + key() + "\",\"key\":\"a.b\"}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        assertThat(json(duplicate).at("/error/code").asText()).isEqualTo("bad_request");
        for (String body : List.of("", "{not json", "[]", "\"a.b\"", "null")) {
            HttpResponse<String> r = verify(id(), body.isEmpty() ? null : body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).at("/error/code").asText()).as(body).isEqualTo("bad_request");
        }
    }

    @Test
    void shouldAnswer413_aboveEightKilobytes() {
        HttpResponse<String> tooLarge = verify(id(), "{\"key\":\"" + key() + "\",\"pad\":\"" + "A".repeat(8200) + "\"}",
                "origin", ORIGIN);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).at("/error/code").asText()).isEqualTo("payload_too_large");
        assertThat(tooLarge.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
    }

    @Test
    void shouldAnswer404InTheSuitesEnvelope_forAnUnknownConsentOrSite() {
        for (HttpResponse<String> r : List.of(verify(UUID.randomUUID().toString(), "{\"key\":\"a.b\"}"),
                verify("not-a-consent-id", "{\"key\":\"a.b\"}"), verify("a".repeat(5000), "{\"key\":\"a.b\"}"),
                http("POST", "/v1/sites/no-such-site/consents/" + id() + "/verify", "{\"key\":\"" + key() + "\"}"))) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).at("/error/code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void shouldAnswerCorsForTheSitesOriginsOnly_preflightIncluded() {
        HttpResponse<String> preflight = http("OPTIONS", "/v1/sites/" + siteId + "/consents/" + id() + "/verify", null,
                "origin", ORIGIN, "access-control-request-method", "POST",
                "access-control-request-headers", "content-type");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue(ORIGIN);
        assertThat(preflight.headers().firstValue("access-control-allow-methods").orElseThrow()).contains("POST");
        assertThat(preflight.headers().firstValue("access-control-allow-headers").orElseThrow())
                .contains("content-type");

        HttpResponse<String> foreign = verify(id(), "{\"key\":\"" + key() + "\"}", "origin", "https://evil.example");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(json(foreign).at("/error/code").asText()).isEqualTo("origin_not_allowed");
        assertThat(foreign.headers().firstValue("access-control-allow-origin")).isEmpty();
        assertThat(foreign.body()).doesNotContain("valid");
    }

    @Test
    void shouldNotCountAsAWrite_norSpendTheWriteLimits() {
        var env = stack.env("ConsentApiFunction").with(Map.of("CONSENT_LIMIT_PER_CLIENT_PER_MINUTE", "1",
                "CONSENT_LIMIT_PER_SITE_PER_MINUTE", "1"));
        java.io.ByteArrayOutputStream emitted = new java.io.ByteArrayOutputStream();
        var aws = new io.privacysuite.core.aws.AwsClients(env);
        var dynamo = aws.build(software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder(), "DYNAMODB");
        var handler = new io.privacysuite.consent.api.ConsentApiHandler(
                new io.privacysuite.consent.api.ConsentApiHandler(env).service(),
                io.privacysuite.consent.api.ConsentWriteLimits.from(env, dynamo, java.time.Clock.systemUTC()),
                new io.privacysuite.core.Metrics("it", new java.io.PrintStream(emitted, true, StandardCharsets.UTF_8),
                        java.time.Clock.systemUTC()));
        for (int i = 0; i < 30; i++) {
            var response = handler.handleRequest(APIGatewayV2HTTPEvent.builder()
                    .withRouteKey("POST /v1/sites/{siteId}/consents/{consentId}/verify")
                    .withHeaders(Map.of("content-type", "application/json", "origin", ORIGIN))
                    .withPathParameters(Map.of("siteId", siteId, "consentId", id()))
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("v" + i)
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                    .withSourceIp("198.51.100.9").build()).build())
                    .withBody("{\"key\":\"" + key() + "\"}").withIsBase64Encoded(false).build(), null);
            assertThat(response.getStatusCode()).as("verification " + i).isEqualTo(200);
        }
        assertThat(emitted.toString(StandardCharsets.UTF_8)).doesNotContain("ConsentsRecorded")
                .doesNotContain("ConsentWritesLimited");
    }
}
