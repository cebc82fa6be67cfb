package io.privacysuite.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.LocalSuite;
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
 * Base of the integration tests: a running local suite (emulators, resources from template.yaml, the HTTP API
 * routing to the real handlers, event sources polling) and an HTTP client to drive it like a browser would.
 */
public abstract class IntegrationTest {
    protected static LocalSuite stack;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startStack() {
        stack = TestBackends.stack();
    }

    protected static HttpResponse<String> get(String path) {
        return http("GET", path, null);
    }

    /** An HTTP exchange with the local API; {@code headers} alternate names and values; a body is sent as JSON. */
    protected static HttpResponse<String> http(String method, String path, String body, String... headers) {
        if (body == null) {
            return httpForm(method, path, null, headers);
        }
        String[] all = new String[headers.length + 2];
        all[0] = "content-type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return httpForm(method, path, body, all);
    }

    /** A site registered for this test, as an operator registers one; returns its id. */
    protected static String newSite(String prefix) {
        String siteId = uniqueId(prefix);
        registerSite(siteId, uniqueId("acme"), "2026-11", "https://shop.example.com");
        return siteId;
    }

    /** A cookie consent given on {@code siteId} through the consent API, as the browser keeps it: {@code {consentId, key}}. */
    protected static String recordConsent(String siteId) {
        HttpResponse<String> response = http("POST", "/v1/sites/" + siteId + "/consents",
                "{\"method\":\"accept_all\",\"bannerVersion\":\"2026-11\",\"pageUrl\":\"https://shop.example.com/\"}",
                "origin", "https://shop.example.com", "x-forwarded-for", "198.51.100.7");
        if (response.statusCode() != 201) {
            throw new AssertionError("consent API answered " + response.statusCode() + ": " + response.body());
        }
        return "{\"consentId\":\"" + json(response).path("consentId").asText() + "\",\"key\":\""
                + json(response).path("key").asText() + "\"}";
    }

    /** The origin (scheme://host[:port]) of the public base URL emailed links point to. */
    protected static String publicOrigin() {
        URI base = URI.create(stack.functions().env("RequestsApiFunction").get("PUBLIC_BASE_URL", "http://localhost:3000"));
        return base.getScheme() + "://" + base.getRawAuthority();
    }

    /** The path and query of a link in an email, to follow it against the local API's port. */
    protected static String pathAndQuery(String link) {
        URI uri = URI.create(link);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern.compile(
            "<form method=\"post\" action=\"([^\"]*)\"(.*?)</form>", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern HIDDEN = java.util.regex.Pattern.compile(
            "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");

    /** The page a link opens and the POST of its confirmation form, as a browser sends it after a click. */
    protected record Confirmation(HttpResponse<String> page, HttpResponse<String> confirmed) {}

    /**
     * Follows an emailed link the way a person does: GET shows a page, and pressing its button POSTs the form
     * (hidden fields, form encoding, the page's Origin and {@code Sec-Fetch-Site: same-origin}).
     */
    protected static Confirmation confirmLink(String link) {
        HttpResponse<String> page = http("GET", pathAndQuery(link), null);
        return new Confirmation(page, submitForm(page, "origin", publicOrigin(), "sec-fetch-site", "same-origin"));
    }

    /** POSTs the first form of {@code page} with its hidden fields and the given extra headers. */
    protected static HttpResponse<String> submitForm(HttpResponse<String> page, String... headers) {
        java.util.regex.Matcher form = FORM.matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no POST form on the page (" + page.statusCode() + "): " + page.body());
        }
        StringBuilder body = new StringBuilder();
        java.util.regex.Matcher hidden = HIDDEN.matcher(form.group(2));
        while (hidden.find()) {
            body.append(body.isEmpty() ? "" : "&").append(hidden.group(1)).append('=')
                    .append(java.net.URLEncoder.encode(unescape(hidden.group(2)), java.nio.charset.StandardCharsets.UTF_8));
        }
        String[] all = new String[headers.length + 2];
        all[0] = "content-type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return httpForm("POST", unescape(form.group(1)), body.toString(), all);
    }

    /** Like {@link #http} but the body (if any) is sent as given, with only the headers named. */
    protected static HttpResponse<String> httpForm(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.httpBaseUri() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
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

    static String unescape(String html) {
        return html.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    /**
     * Downloads what an emailed download link leads to: a link to the suite is followed through its redirect (one
     * hop), any other link is fetched as it is. Returns the final response.
     */
    protected static HttpResponse<String> download(String link) {
        URI uri = URI.create(link);
        if (link.startsWith(publicOrigin() + "/")) {
            HttpResponse<String> first = http("GET", pathAndQuery(link), null);
            if (first.statusCode() != 302) {
                return first;
            }
            uri = URI.create(first.headers().firstValue("location").orElseThrow());
        }
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a console action of the requests operator function, as an operator would. */
    protected static JsonNode operator(Map<String, Object> event) {
        return stack.functions().invokeForJson("RequestsOperatorFunction", event);
    }

    /**
     * Submits a request over HTTP ({@code body} is the JSON), waits for the verification email to {@code email},
     * confirms it through the link's page and returns the request id.
     */
    protected static String submitAndConfirm(String body, String email) {
        java.util.function.Predicate<io.privacysuite.local.emulators.Mailbox.Email> verification =
                e -> e.isAddressedTo(email) && e.text().contains("/verify?token=");
        int earlier = (int) stack.mailbox().all().stream().filter(verification).count();
        HttpResponse<String> accepted = http("POST", "/v1/requests", body, "x-forwarded-for", DataSubjectRequestIT.randomIp());
        if (accepted.statusCode() != 202) {
            throw new AssertionError("intake answered " + accepted.statusCode() + ": " + accepted.body());
        }
        List<io.privacysuite.local.emulators.Mailbox.Email> mails = stack.mailbox().awaitEmails(verification, earlier + 1,
                Duration.ofSeconds(60));
        String link = DataSubjectRequestIT.find(DataSubjectRequestIT.VERIFY_LINK, mails.get(mails.size() - 1).text());
        HttpResponse<String> confirmed = confirmLink(link).confirmed();
        if (confirmed.statusCode() != 200) {
            throw new AssertionError("confirmation answered " + confirmed.statusCode() + ": " + confirmed.body());
        }
        java.util.regex.Matcher m = DataSubjectRequestIT.VERIFY_LINK.matcher(link);
        m.find();
        return m.group(1);
    }

    /** The operator's view of a request once the processor has finished with it (completed, routed or escalated). */
    protected static JsonNode awaitProcessed(String requestId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
            for (JsonNode entry : status.path("audit")) {
                String action = entry.path("action").asText();
                if (action.equals("complete") || action.equals("route_to_operator") || action.equals("escalate")) {
                    return status;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("request " + requestId + " was not processed: " + status);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
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
