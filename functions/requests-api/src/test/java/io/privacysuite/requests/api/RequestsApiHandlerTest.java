package io.privacysuite.requests.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.privacysuite.core.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the handler decides before any AWS call: routing, validation, size limits. */
class RequestsApiHandlerTest {
    private final RequestsApiHandler handler = new RequestsApiHandler((IntakeService) null);

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
        assertThat(Pages.page("<t>", "a & \"b\"")).contains("&lt;t&gt;").contains("a &amp; &quot;b&quot;")
                .doesNotContain("<t>");
    }
}
