package io.privacysuite.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the integration tests: a running local stack (emulators, resources from template.yaml, the HTTP API
 * routing to the real handlers, event sources polling) and an HTTP client to drive it like a browser would.
 */
public abstract class IntegrationTest {
    protected static LocalStack stack;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startStack() {
        stack = TestBackends.stack();
    }

    protected static HttpResponse<String> get(String path) {
        return http("GET", path, null);
    }

    /** An HTTP exchange with the local API; {@code headers} alternate names and values. */
    protected static HttpResponse<String> http(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.httpBaseUri() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.read(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    protected static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers a site through the operator function, as an operator would from the console. */
    protected static JsonNode registerSite(String siteId, String siteGroup, String bannerVersion, String... origins) {
        Map<String, Object> site = Map.of("siteId", siteId, "name", siteId, "accountId", "acct-" + siteGroup,
                "siteGroup", siteGroup, "allowedOrigins", List.of(origins), "bannerVersion", bannerVersion,
                "consentLifetimeMonths", 12);
        return stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite", "site", site));
    }
}
