package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.emulators.Mailbox;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A site's privacy center through the HTTP API: the branded request form in the person's language, intake from it
 * and from the company's own page (CORS), the refusals of cross-site posts, and the status page's timeline.
 */
class PrivacyCenterIT extends IntegrationTest {
    static final String SHOP = "https://shop.example.com";
    String siteId;

    @BeforeEach
    void registerBrandedSite() {
        siteId = uniqueId("center");
        Map<String, Object> site = Map.of("siteId", siteId, "name", siteId, "accountId", "acct-" + siteId,
                "allowedOrigins", List.of(SHOP), "bannerVersion", "2026-11",
                "branding", Map.of("companyName", "Acme Shop B.V.", "contactEmail", "privacy@acme.example",
                        "dpoName", "Dana de Vries", "dpoEmail", "dpo@acme.example",
                        "supervisoryAuthorityName", "Autoriteit Persoonsgegevens",
                        "supervisoryAuthorityUrl", "https://autoriteitpersoonsgegevens.nl/"));
        assertThat(stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite", "site", site))
                .path("branding").path("companyName").asText()).isEqualTo("Acme Shop B.V.");
    }

    static String form(String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(pairs[i]).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return body.toString();
    }

    HttpResponse<String> postForm(String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "content-type";
        all[1] = "application/x-www-form-urlencoded";
        all[2] = "x-forwarded-for";
        all[3] = DataSubjectRequestIT.randomIp();
        System.arraycopy(headers, 0, all, 4, headers.length);
        return httpForm("POST", "/v1/sites/" + siteId + "/requests", body, all);
    }

    @Test
    void shouldServeTheBrandedForm_inTheBrowsersLanguage_withEveryRightExplained() {
        HttpResponse<String> page = httpForm("GET", "/v1/sites/" + siteId + "/privacy", null,
                "accept-language", "nl-BE,nl;q=0.9,en;q=0.5");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("<html lang=\"nl\"").contains("Uw privacyrechten").contains("Acme Shop B.V.")
                .contains("Een kopie van mijn gegevens krijgen").contains("Mijn gegevens wissen")
                .contains("<a href=\"mailto:dpo@acme.example\">dpo@acme.example</a>")
                .contains("<a href=\"https://autoriteitpersoonsgegevens.nl/\">Autoriteit Persoonsgegevens</a>")
                .contains("<form method=\"post\" action=\"requests\"").doesNotContain("<script");
        assertThat(page.body().split("type=\"radio\"", -1)).hasSize(7);
        assertThat(get("/v1/sites/" + siteId + "/privacy?lang=fr").body()).contains("<html lang=\"fr\"")
                .contains("Vos droits sur vos données").contains("aria-current=\"page\">Français");
        assertThat(get("/v1/sites/nope-" + siteId + "/privacy").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldTakeTheFormFromTheSuitesOwnPage_inGerman_andLeadToAGermanTimeline() {
        String email = DataSubjectRequestIT.address("form-de");

        HttpResponse<String> sent = postForm(form("lang", "de", "type", "access", "email", email, "details", ""),
                "origin", publicOrigin(), "sec-fetch-site", "same-origin");

        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(sent.body()).contains("<html lang=\"de\"").contains("Sehen Sie in Ihrem Posteingang nach");
        Mailbox.Email verification = stack.mailbox().awaitEmailTo(email, DataSubjectRequestIT.MAIL_WAIT);
        assertThat(verification.subject()).contains("Bitte bestätigen");
        Matcher link = DataSubjectRequestIT.VERIFY_LINK.matcher(verification.text());
        assertThat(link.find()).isTrue();
        HttpResponse<String> confirmPage = get(pathAndQuery(link.group()));
        assertThat(confirmPage.body()).contains("Acme Shop B.V.").contains("<html lang=\"de\"")
                .as("the token stays in the form").doesNotContain("token=");
        assertThat(confirmLink(link.group()).confirmed().statusCode()).isEqualTo(200);

        Mailbox.Email ack = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && DataSubjectRequestIT.STATUS_LINK.matcher(e.text()).find(),
                DataSubjectRequestIT.MAIL_WAIT);
        String status = pathAndQuery(find(DataSubjectRequestIT.STATUS_LINK, ack.text()));
        // The processor finds nothing about this new address: completed, and the page says so in German.
        String page = awaitStatusPage(status, "Abgeschlossen");
        assertThat(page).contains("<ol class=\"timeline\">").contains("<strong>Eingegangen</strong>")
                .contains("<strong>Bestätigt</strong>").contains("Wir haben keine personenbezogenen Daten über Sie.")
                .contains("Fragen und Beschwerden").doesNotContain("start_fulfilment");
        assertThat(httpForm("GET", status + "&lang=fr", null, "accept", "text/html").body())
                .contains("<strong>Reçue</strong>").contains("Nous ne détenons aucune donnée personnelle");
    }

    String awaitStatusPage(String path, String expected) {
        long deadline = System.nanoTime() + DataSubjectRequestIT.MAIL_WAIT.toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = httpForm("GET", path, null, "accept", "text/html").body();
            if (body.contains(expected)) {
                return body;
            }
            sleep(200);
        }
        throw new AssertionError("status page never said " + expected + ": " + body);
    }

    static String find(java.util.regex.Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).isTrue();
        return m.group();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldShowTheFormAgain_withLocalizedErrors_andTheTypedValuesEscaped() {
        HttpResponse<String> refused = postForm(form("lang", "fr", "type", "rectification",
                "email", "\"><script>alert(1)</script>", "details", ""), "origin", publicOrigin());

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("<html lang=\"fr\"").contains("Veuillez vérifier les champs")
                .contains("Saisissez une adresse e-mail").contains("Indiquez ce qu'il faut corriger".replace("'", "&#39;"))
                .contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"").doesNotContain("<script>")
                .contains("id=\"type-rectification\" value=\"rectification\" aria-describedby=\"type-rectification-help\" checked")
                .contains("aria-invalid=\"true\"");
        assertThat(postForm(form("lang", "en", "email", "a@example.org"), "origin", publicOrigin()).body())
                .contains("Choose what you would like to do.");
    }

    @Test
    void shouldRefuseCrossSitePosts_fromPagesThatAreNeitherTheSuiteNorTheSite() {
        String body = form("lang", "en", "type", "access", "email", DataSubjectRequestIT.address("csrf"));

        assertThat(postForm(body, "origin", "https://evil.example", "sec-fetch-site", "cross-site").statusCode())
                .isEqualTo(403);
        assertThat(postForm(body, "origin", "null").statusCode()).isEqualTo(403);
        assertThat(postForm(body, "sec-fetch-site", "cross-site").statusCode()).as("a browser hiding its origin")
                .isEqualTo(403);
        assertThat(postForm(body, "origin", SHOP, "sec-fetch-site", "cross-site").statusCode())
                .as("the company's own page").isEqualTo(202);
        assertThat(postForm(body + "x", "origin", "https://evil.example").body()).doesNotContain("received");
    }

    @Test
    void shouldAnswerCors_forTheSitesRegisteredOrigins_andTakeJsonFromThem() {
        String path = "/v1/sites/" + siteId + "/requests";
        HttpResponse<String> preflight = httpForm("OPTIONS", path, null, "origin", SHOP,
                "access-control-request-method", "POST", "access-control-request-headers", "content-type");
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue(SHOP);
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValue("POST, OPTIONS");
        HttpResponse<String> stranger = httpForm("OPTIONS", path, null, "origin", "https://evil.example",
                "access-control-request-method", "POST");
        assertThat(stranger.headers().firstValue("access-control-allow-origin")).isEmpty();

        String email = DataSubjectRequestIT.address("cors");
        HttpResponse<String> accepted = http("POST", path, "{\"type\":\"erasure\",\"email\":\"" + email + "\"}",
                "origin", SHOP, "accept-language", "fr-BE", "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(accepted.headers().firstValue("access-control-allow-origin")).hasValue(SHOP);
        assertThat(json(accepted).path("message").asText()).startsWith("Si cette adresse peut recevoir des e-mails");
        assertThat(stack.mailbox().awaitEmailTo(email, DataSubjectRequestIT.MAIL_WAIT).subject()).contains("Veuillez confirmer");

        HttpResponse<String> otherSite = http("POST", path, "{\"type\":\"access\",\"email\":\"" + email
                + "\",\"siteId\":\"demo-shop\"}", "origin", SHOP);
        assertThat(otherSite.statusCode()).isEqualTo(400);
        assertThat(otherSite.headers().firstValue("access-control-allow-origin")).as("the site can read why")
                .hasValue(SHOP);
        assertThat(http("POST", path, "{\"type\":\"access\",\"email\":\"x@example.org\"}", "origin",
                "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(URI.create(publicOrigin()).getPort()).isEqualTo(stack.httpBaseUri().getPort());
    }
}
