package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.privacysuite.core.Json;
import io.privacysuite.local.api.HttpApiEvents;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.requests.api.RequestsApiHandler;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The emailed download link lasts its promised 7 days: it points at a page of the suite that checks the person's token
 * and redirects to an S3 link presigned on the spot, valid minutes, signed by whatever credentials the function has at
 * that moment (Lambda role credentials last hours, so a link presigned at export time would die long before 7 days).
 */
class DownloadLinkIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern DOWNLOAD = Pattern.compile("https?://\\S+/v1/requests/([0-9a-f-]{36})/download/export\\.json\\?token=([A-Za-z0-9_-]+)");

    /** The requests function as it runs {@code later}, with the (rotated) role credentials it would have then. */
    static RequestsApiHandler functionLater(Duration later, String accessKeyId) {
        return new RequestsApiHandler(stack.functions().env("RequestsApiFunction").with(Map.of(
                "AWS_ACCESS_KEY_ID", accessKeyId, "AWS_SECRET_ACCESS_KEY", "later-secret",
                "AWS_SESSION_TOKEN", "later-session-token")), Clock.offset(Clock.systemUTC(), later));
    }

    static APIGatewayV2HTTPResponse click(RequestsApiHandler function, String requestId, String token) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("GET /v1/requests/{requestId}/download/{file}");
        event.setRawPath("/v1/requests/" + requestId + "/download/export.json");
        event.setPathParameters(Map.of("requestId", requestId, "file", "export.json"));
        event.setQueryStringParameters(Map.of("token", token));
        return function.handleRequest(event, null);
    }

    static Map<String, String> query(String url) {
        return HttpApiEvents.queryParameters(URI.create(url).getRawQuery());
    }

    @Test
    void shouldServeTheExportThroughTheSuiteForSevenDays_presigningAFreshShortLinkOnEachClick() throws Exception {
        String email = uniqueId("dl") + "@example.org";
        String siteId = uniqueId("dl");
        registerSite(siteId, uniqueId("acme"), "2026-11", "https://shop.example.com");
        stack.awsClients().dynamoDb().putItem(r -> r.tableName(TestBackends.ORDERS_TABLE).item(Map.of(
                "customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS("O-9"),
                "total", AttributeValue.fromN("9.90"))));
        String requestId = submitAndConfirm("{\"type\":\"access\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId + "\"}", email);
        Mailbox.Email mail = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.subject().contains("ready to download"), WAIT);

        Matcher link = DOWNLOAD.matcher(mail.text());
        assertThat(link.find()).as("download link to the suite in: " + mail.text()).isTrue();
        assertThat(link.group()).startsWith(publicOrigin() + "/").doesNotContain("X-Amz-");
        assertThat(link.group(1)).isEqualTo(requestId);
        String token = link.group(2);

        // Now: a redirect to a short-lived presigned link, which downloads the export.
        HttpResponse<String> now = http("GET", pathAndQuery(link.group()), null);
        assertThat(now.statusCode()).isEqualTo(302);
        String location = now.headers().firstValue("location").orElseThrow();
        assertThat(query(location)).containsKeys("X-Amz-Signature", "X-Amz-Credential");
        assertThat(Integer.parseInt(query(location).get("X-Amz-Expires"))).isBetween(1, 300);
        assertThat(now.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(Json.read(download(link.group()).body()).path("requestId").asText()).isEqualTo(requestId);

        // Six days and 23 hours later the export-time credentials are long gone: the link still works, presigned
        // on the spot with the credentials the function has then.
        APIGatewayV2HTTPResponse later = click(functionLater(Duration.ofDays(7).minusHours(1), "ASIALATERROTATED0001"),
                requestId, token);
        assertThat(later.getStatusCode()).isEqualTo(302);
        String laterLocation = later.getHeaders().get("location");
        assertThat(query(laterLocation).get("X-Amz-Credential")).startsWith("ASIALATERROTATED0001/");
        assertThat(query(laterLocation)).containsEntry("X-Amz-Security-Token", "later-session-token");
        HttpResponse<String> file = download(laterLocation);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(Json.read(file.body()).path("requestId").asText()).isEqualTo(requestId);

        // After the 7 days, or with a wrong token, nothing: no redirect, no link.
        APIGatewayV2HTTPResponse expired = click(functionLater(Duration.ofDays(7).plusHours(1), "ASIAEXPIRED000000001"),
                requestId, token);
        assertThat(expired.getStatusCode()).isEqualTo(410);
        assertThat(expired.getHeaders()).doesNotContainKey("location");
        HttpResponse<String> wrong = http("GET", "/v1/requests/" + requestId + "/download/export.json?token=" + "A".repeat(43), null);
        assertThat(wrong.statusCode()).isEqualTo(404);
        assertThat(wrong.headers().firstValue("location")).isEmpty();
        HttpResponse<String> otherFile = http("GET", "/v1/requests/" + requestId + "/download/secrets.txt?token=" + token, null);
        assertThat(otherFile.statusCode()).isEqualTo(404);
        assertThat(otherFile.headers().firstValue("location")).isEmpty();
    }
}
