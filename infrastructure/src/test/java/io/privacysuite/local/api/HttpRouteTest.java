package io.privacysuite.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpRouteTest {
    private static final List<HttpRoute> ROUTES = List.of(
            new HttpRoute("POST", "/v1/sites/{siteId}/consents", "Record"),
            new HttpRoute("GET", "/v1/sites/{siteId}/consents/{consentId}/verify", "Verify"),
            new HttpRoute("GET", "/v1/sites/demo/consents/{consentId}/verify", "DemoVerify"),
            new HttpRoute("OPTIONS", "/v1/sites/{siteId}/{proxy+}", "Preflight"),
            new HttpRoute("ANY", "/v1/sites/{siteId}/{proxy+}", "Catch"),
            new HttpRoute("ANY", "/v1/sites/{siteId}/consents", "AnyConsents"));

    @Test
    void shouldPreferLiteralSegmentsOverParameters() {
        assertThat(select("GET", "/v1/sites/demo/consents/c1/verify").route().functionLogicalId()).isEqualTo("DemoVerify");
        assertThat(select("GET", "/v1/sites/other/consents/c1/verify").route().functionLogicalId()).isEqualTo("Verify");
    }

    @Test
    void shouldPreferParametersOverGreedyAndMethodOverAny() {
        assertThat(select("POST", "/v1/sites/s1/consents").route().functionLogicalId()).isEqualTo("Record");
        assertThat(select("PUT", "/v1/sites/s1/consents").route().functionLogicalId()).isEqualTo("AnyConsents");
        assertThat(select("OPTIONS", "/v1/sites/s1/consents/c1/withdraw").route().functionLogicalId()).isEqualTo("Preflight");
        assertThat(select("DELETE", "/v1/sites/s1/consents/c1/withdraw").route().functionLogicalId()).isEqualTo("Catch");
    }

    @Test
    void shouldDecodePathParametersAndCaptureGreedyRemainder() {
        HttpRoute.Match match = select("OPTIONS", "/v1/sites/site%201/consents/a%2Fb/x");

        assertThat(match.pathParameters()).containsExactly(Map.entry("siteId", "site 1"), Map.entry("proxy", "consents/a/b/x"));
    }

    @Test
    void shouldNotMatchUnknownPathsOrAGreedyWithoutSegments() {
        assertThat(HttpRoute.select(ROUTES, "GET", "/v2/nothing")).isEmpty();
        assertThat(HttpRoute.select(ROUTES, "OPTIONS", "/v1/sites/s1")).isEmpty();
        assertThat(HttpRoute.select(List.of(HttpRoute.defaultRoute("Fallback")), "GET", "/any/thing"))
                .get().extracting(m -> m.route().routeKey()).isEqualTo("$default");
    }

    @Test
    void shouldNotMatchARouteWithATrailingSlash_asApiGatewayDoesNot() {
        List<HttpRoute> routes = List.of(new HttpRoute("POST", "/v1/requests", "Submit"),
                new HttpRoute("GET", "/v1/requests/{requestId}", "Status"));
        assertThat(HttpRoute.select(routes, "POST", "/v1/requests/")).isEmpty();
        assertThat(HttpRoute.select(routes, "GET", "/v1/requests/r1/")).isEmpty();
        assertThat(HttpRoute.select(routes, "GET", "/v1/requests//")).isEmpty();
        assertThat(HttpRoute.select(routes, "GET", "/v1/requests/r1")).isPresent();
        assertThat(HttpRoute.select(ROUTES, "POST", "/v1/sites/s1/consents/").map(m -> m.route().functionLogicalId()))
                .as("only a greedy route may take the empty last segment").hasValue("Catch");
    }

    @Test
    void shouldBuildPayloadV2LikeApiGateway() {
        HttpApiEvents.RawRequest request = new HttpApiEvents.RawRequest("POST", "/v1/sites/s%201/consents",
                "a=1&b=x%20y&a=2&flag",
                List.of(Map.entry("Host", "127.0.0.1:3000"), Map.entry("Content-Type", "application/json"),
                        Map.entry("Cookie", "sid=abc; theme=dark"), Map.entry("X-Multi", "one"), Map.entry("x-multi", "two"),
                        Map.entry("User-Agent", "junit")),
                "{\"granted\":true}".getBytes(StandardCharsets.UTF_8), "203.0.113.9", Instant.ofEpochMilli(1_700_000_000_123L));

        APIGatewayV2HTTPEvent event = HttpApiEvents.build(request, select("POST", request.rawPath()), "000000000000");

        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("POST /v1/sites/{siteId}/consents");
        assertThat(event.getRawPath()).isEqualTo("/v1/sites/s%201/consents");
        assertThat(event.getRawQueryString()).isEqualTo("a=1&b=x%20y&a=2&flag");
        assertThat(event.getQueryStringParameters()).containsEntry("a", "1,2").containsEntry("b", "x y").containsEntry("flag", "");
        assertThat(event.getPathParameters()).containsExactly(Map.entry("siteId", "s 1"));
        assertThat(event.getCookies()).containsExactly("sid=abc", "theme=dark");
        assertThat(event.getHeaders()).doesNotContainKey("cookie").containsEntry("x-multi", "one,two")
                .containsEntry("content-type", "application/json").allSatisfy((k, v) -> assertThat(k).isLowerCase());
        assertThat(event.getBody()).isEqualTo("{\"granted\":true}");
        assertThat(event.getIsBase64Encoded()).isFalse();
        APIGatewayV2HTTPEvent.RequestContext ctx = event.getRequestContext();
        assertThat(ctx.getRouteKey()).isEqualTo(event.getRouteKey());
        assertThat(ctx.getStage()).isEqualTo("$default");
        assertThat(ctx.getHttp().getMethod()).isEqualTo("POST");
        assertThat(ctx.getHttp().getSourceIp()).isEqualTo("203.0.113.9");
        assertThat(ctx.getHttp().getUserAgent()).isEqualTo("junit");
        assertThat(ctx.getHttp().getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(ctx.getTimeEpoch()).isEqualTo(1_700_000_000_123L);
        assertThat(ctx.getTime()).isEqualTo("14/Nov/2023:22:13:20 +0000");
        assertThat(ctx.getDomainName()).isEqualTo("127.0.0.1:3000");
        assertThat(ctx.getRequestId()).isNotBlank();
        assertThat(ctx.getAccountId()).isEqualTo("000000000000");
    }

    @Test
    void shouldBase64EncodeBinaryBodies() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1};
        HttpApiEvents.RawRequest request = new HttpApiEvents.RawRequest("POST", "/v1/sites/s1/consents", null,
                List.of(Map.entry("Content-Type", "image/png")), png, "127.0.0.1", Instant.now());

        APIGatewayV2HTTPEvent event = HttpApiEvents.build(request, select("POST", "/v1/sites/s1/consents"), "000000000000");

        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(event.getBody())).isEqualTo(png);
        assertThat(event.getRawQueryString()).isEmpty();
        assertThat(event.getQueryStringParameters()).isNull();
        assertThat(event.getCookies()).isNull();
        assertThat(HttpApiEvents.isTextual("application/x-www-form-urlencoded; charset=utf-8")).isTrue();
        assertThat(HttpApiEvents.isTextual("application/problem+json")).isTrue();
        assertThat(HttpApiEvents.isTextual("application/octet-stream")).isFalse();
    }

    @Test
    void shouldMapResponsesBackIncludingCookiesAndBase64() {
        APIGatewayV2HTTPResponse response = APIGatewayV2HTTPResponse.builder()
                .withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "text/plain"))
                .withMultiValueHeaders(Map.of("Vary", List.of("Origin", "Accept")))
                .withCookies(List.of("sid=1; HttpOnly"))
                .withBody(Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.UTF_8)))
                .withIsBase64Encoded(true)
                .build();

        HttpApiEvents.HttpResult result = HttpApiEvents.toResult(response);

        assertThat(result.status()).isEqualTo(201);
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("hi");
        assertThat(result.headers()).contains(Map.entry("Content-Type", "text/plain"), Map.entry("Vary", "Origin"),
                Map.entry("Vary", "Accept"), Map.entry("Set-Cookie", "sid=1; HttpOnly"));
        HttpApiEvents.HttpResult inferred = HttpApiEvents.toResult(Map.of("ok", true));
        assertThat(inferred.status()).as("output without statusCode is a 200 JSON body").isEqualTo(200);
        assertThat(new String(inferred.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
    }

    private static HttpRoute.Match select(String method, String path) {
        return HttpRoute.select(ROUTES, method, path).orElseThrow();
    }
}
