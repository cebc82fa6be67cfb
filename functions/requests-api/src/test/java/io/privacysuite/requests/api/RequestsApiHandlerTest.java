package io.privacysuite.requests.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.privacysuite.core.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the handler decides before any AWS call: routing, validation, size limits. */
class RequestsApiHandlerTest {
    private final RequestsApiHandler handler = new RequestsApiHandler((IntakeService) null, "https://privacy.example.com");

    private static APIGatewayV2HTTPEvent sample(String file) {
        return EventLoader.loadApiGatewayHttpEvent(Path.of("../../events/requests-api", file).toString());
    }

    @Test
    void shouldAnswer400WithFieldErrors_forInvalidSubmission() throws Exception {
        APIGatewayV2HTTPEvent event = sample("submit-access-request.json");
        event.setBody("{\"type\":\"access\"}");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(Json.read(response.getBody()).path("error").path("fields").has("email")).isTrue();
    }

    @Test
    void shouldRefuseInThePersonsLanguage_keepingCodesAndFieldNamesForPrograms() throws Exception {
        APIGatewayV2HTTPEvent event = sample("submit-access-request.json");
        event.setBody("{\"type\":\"nope\",\"locale\":\"de-AT\",\"details\":{\"a\":1}}");

        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);

        assertThat(response.getStatusCode()).isEqualTo(400);
        com.fasterxml.jackson.databind.JsonNode error = Json.read(response.getBody()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("validation_failed");
        assertThat(error.path("message").asText()).isEqualTo("Einige Felder sind ungültig: siehe fields.");
        assertThat(error.path("fields").path("email").asText()).startsWith("Geben Sie eine E-Mail-Adresse ein");
        assertThat(error.path("fields").path("type").asText()).isEqualTo("Wählen Sie, was Sie tun möchten.");
        assertThat(error.path("fields").path("details.a").asText()).startsWith("Geben Sie an, was berichtigt");

        event.setBody("{\"type\":\"access\"}");
        event.setHeaders(Map.of("content-type", "application/json", "accept-language", "fr-BE,fr;q=0.9"));
        assertThat(Json.read(handler.handleRequest(event, null).getBody()).at("/error/fields/email").asText())
                .startsWith("Saisissez une adresse e-mail");
        event.setHeaders(Map.of("content-type", "application/json"));
        assertThat(Json.read(handler.handleRequest(event, null).getBody()).at("/error/fields/email").asText())
                .isEqualTo("required");
    }

    @Test
    void shouldAnswer413_forOversizedBody() {
        APIGatewayV2HTTPEvent event = sample("submit-access-request.json");
        event.setBody("{\"details\":\"" + "x".repeat(RequestsApiHandler.MAX_BODY_BYTES) + "\"}");

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(413);
    }

    @Test
    void shouldAnswer404_forUnknownRoute() {
        APIGatewayV2HTTPEvent event = sample("submit-access-request.json");
        event.setRouteKey("DELETE /v1/requests");

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(404);
    }

    @Test
    void shouldEscapeHtmlInPages() {
        assertThat(Pages.in("en").page("<t>", "a & \"b\"")).contains("&lt;t&gt;").contains("a &amp; &quot;b&quot;")
                .doesNotContain("<t>");
    }

    private static APIGatewayV2HTTPEvent confirmation(String contentType, Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = sample("submit-access-request.json");
        event.setRouteKey("POST /v1/requests/{requestId}/verify");
        event.setPathParameters(Map.of("requestId", "00000000-0000-0000-0000-000000000000"));
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("content-type", contentType);
        event.setHeaders(all);
        event.setBody("token=abc");
        return event;
    }

    @Test
    void shouldRefuseAConfirmationFromAnotherSite_beforeLookingAnythingUp() {
        // The service is null: a refused confirmation never reaches it.
        assertThat(handler.handleRequest(confirmation("application/x-www-form-urlencoded",
                Map.of("origin", "https://evil.example")), null).getStatusCode()).isEqualTo(403);
        assertThat(handler.handleRequest(confirmation("application/x-www-form-urlencoded",
                Map.of("origin", "https://privacy.example.com", "sec-fetch-site", "cross-site")), null).getStatusCode())
                .isEqualTo(403);
        assertThat(handler.handleRequest(confirmation("application/json", Map.of()), null).getStatusCode()).isEqualTo(415);
    }

    @Test
    void shouldSpeakThePersonsLanguage_withEnglishForAnythingElse() {
        assertThat(Pages.forRequest(null, "de-CH,fr;q=0.8").lang()).isEqualTo("de");
        assertThat(Pages.forRequest("nl", "de").lang()).isEqualTo("nl");
        assertThat(Pages.forRequest(null, "es-ES,pt;q=0.8").lang()).isEqualTo("en");
        for (String lang : Pages.LANGUAGES) {
            Pages pages = Pages.in(lang);
            for (String key : java.util.List.of("confirm.title", "confirm.button", "what.erasure", "forbidden.body",
                    "download.expired.body", "unsubscribe.button", "status.download")) {
                assertThat(pages.text(key)).as(lang + " " + key).isNotBlank().isNotEqualTo(key);
            }
        }
        assertThat(Pages.in("fr").text("confirm.due", "1 mars 2027")).isEqualTo(
                "Après votre confirmation, nous vous répondrons au plus tard le 1 mars 2027.");
    }
}
