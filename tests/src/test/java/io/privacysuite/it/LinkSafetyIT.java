package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.UnsubscribeLinks;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Mail security scanners open every link in a message: opening (GET, HEAD) an emailed link only shows a page, in the
 * request's language; only the POST of that page's form, from that page, changes anything.
 */
class LinkSafetyIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    String siteId;

    @BeforeEach
    void site() {
        siteId = newSite("links");
    }

    String submit(String type, String email, String locale) {
        HttpResponse<String> accepted = http("POST", "/v1/requests", "{\"type\":\"" + type + "\",\"email\":\"" + email
                + "\",\"siteId\":\"" + siteId + "\",\"locale\":\"" + locale + "\"}", "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(accepted.statusCode()).isEqualTo(202);
        return DataSubjectRequestIT.find(DataSubjectRequestIT.VERIFY_LINK,
                stack.mailbox().awaitEmailTo(email, WAIT).text());
    }

    static String requestIdOf(String link) {
        Matcher m = DataSubjectRequestIT.VERIFY_LINK.matcher(link);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    static String statusOf(String requestId) {
        return stack.awsClients().dynamoDb().getItem(r -> r.tableName(stack.resources().tableName("RequestsTable"))
                .key(Map.of("pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS("REQUEST"))))
                .item().get("status").s();
    }

    @Test
    void shouldOnlyShowAPageOnGetAndHead_andConfirmOnTheFormPostOfThatPage_inTheRequestsLanguage() {
        String email = uniqueId("scan") + "@example.org";
        String link = submit("erasure", email, "fr");
        String requestId = requestIdOf(link);
        Mailbox.Email verification = stack.mailbox().to(email).get(0);
        // The first notice says when to expect an answer: one month from receipt (GDPR), in the person's language.
        LocalDate due = LocalDate.now(DataSubjectRequestIT.LEGAL_ZONE).plusMonths(1);
        assertThat(verification.text()).containsAnyOf(
                due.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.FRENCH)),
                due.minusDays(1).format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.FRENCH)));

        // What a scanner does: HEAD and GET, several times.
        http("HEAD", pathAndQuery(link), null);
        HttpResponse<String> page = http("GET", pathAndQuery(link), null);
        http("GET", pathAndQuery(link), null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html lang=\"fr\"").contains("<form method=\"post\"")
                .contains("effacement").doesNotContain("token=");
        assertThat(page.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(statusOf(requestId)).isEqualTo("pending_verification");
        assertThat(stack.mailbox().to(email)).hasSize(1);

        HttpResponse<String> confirmed = submitForm(page, "origin", publicOrigin(), "sec-fetch-site", "same-origin");

        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("<html lang=\"fr\"");
        assertThat(statusOf(requestId)).isNotEqualTo("pending_verification");
        stack.mailbox().awaitEmail(e -> e.isAddressedTo(email) && e.subject().contains("effacement")
                && !e.subject().equals(verification.subject()), WAIT);
    }

    @Test
    void shouldRefuseAConfirmationThatDidNotComeFromThePage() {
        String email = uniqueId("csrf") + "@example.org";
        String link = submit("erasure", email, "en");
        String requestId = requestIdOf(link);
        HttpResponse<String> page = http("GET", pathAndQuery(link), null);
        String action = unescape(page.body().replaceAll("(?s).*<form method=\"post\" action=\"([^\"]*)\".*", "$1"));
        String token = URI.create(link).getRawQuery().replaceAll(".*token=([^&]+).*", "$1");

        HttpResponse<String> fromElsewhere = submitForm(page, "origin", "https://evil.example");
        HttpResponse<String> crossSite = submitForm(page, "sec-fetch-site", "cross-site");
        HttpResponse<String> withoutToken = httpForm("POST", action, "", "content-type",
                "application/x-www-form-urlencoded", "origin", publicOrigin());
        HttpResponse<String> wrongToken = httpForm("POST", action, "token=" + "A".repeat(43), "content-type",
                "application/x-www-form-urlencoded", "origin", publicOrigin());
        HttpResponse<String> asJson = httpForm("POST", action, "{\"token\":\"" + token + "\"}", "content-type",
                "application/json", "origin", publicOrigin());

        assertThat(fromElsewhere.statusCode()).isEqualTo(403);
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(withoutToken.statusCode()).isEqualTo(404);
        assertThat(wrongToken.statusCode()).isEqualTo(404);
        assertThat(asJson.statusCode()).isEqualTo(415);
        assertThat(statusOf(requestId)).isEqualTo("pending_verification");
        // The page's own form, posted as a browser posts it, still works afterwards.
        assertThat(submitForm(page, "origin", publicOrigin(), "sec-fetch-site", "same-origin").statusCode()).isEqualTo(200);
        assertThat(statusOf(requestId)).isNotEqualTo("pending_verification");
    }

    @Test
    void shouldNeverUnsubscribeOnGet_whileTheOneClickPostStillWorksWithoutCookiesOrOrigin() {
        String reader = uniqueId("reader") + "@example.org";
        String hash = EmailAddresses.hash(reader);
        URI url = URI.create(UnsubscribeLinks.from(stack.functions().env("RequestsApiFunction")).url(hash, "newsletter"));
        EmailPreferences preferences = new DynamoDbEmailPreferences(stack.awsClients().dynamoDb(),
                stack.resources().tableName("EmailPreferencesTable"), new RetentionPolicy(12));

        http("HEAD", url.getRawPath() + "?" + url.getRawQuery(), null);
        HttpResponse<String> page = http("GET", url.getRawPath() + "?" + url.getRawQuery(), null, "accept-language", "de-DE,de;q=0.9");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html lang=\"de\"").contains("<form method=\"post\"");
        assertThat(preferences.stateOf(hash, Instant.now()).optedOutTopics()).isEmpty();

        // RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" to the List-Unsubscribe URI, no cookie, no Origin.
        HttpResponse<String> oneClick = httpForm("POST", url.getRawPath() + "?" + url.getRawQuery(),
                "List-Unsubscribe=One-Click", "content-type", "application/x-www-form-urlencoded");

        assertThat(oneClick.statusCode()).isEqualTo(200);
        assertThat(preferences.stateOf(hash, Instant.now()).optedOutTopics()).containsExactly("newsletter");
    }
}
