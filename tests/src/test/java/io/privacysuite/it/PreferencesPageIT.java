package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.UnsubscribeLinks;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The email preferences page over HTTP on the local suite: opened from the link a marketing mail carries it changes
 * nothing; its form saves each topic on its own or unsubscribes from all, each change recorded as a consent version;
 * the notifier then sends an opted-in topic and not an opted-out one. Bad links, cross-site posts and bad bodies are
 * refused.
 */
class PreferencesPageIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Pattern PREFERENCES_LINK = Pattern.compile("(https?://[^\\s\"<>]+/v1/email/preferences\\?token=[^\\s\"<>]+)");
    static final Pattern CHECKBOX = Pattern.compile("<input type=\"checkbox\" id=\"topic-([a-z_]+)\"[^>]*?( checked)?>");

    String reader;
    String hash;
    UnsubscribeLinks links;
    EmailPreferences preferences;

    @BeforeEach
    void reader() {
        reader = NotificationPipelineIT.address("prefs");
        hash = EmailAddresses.hash(reader);
        links = UnsubscribeLinks.from(stack.functions().env("RequestsApiFunction"));
        preferences = new DynamoDbEmailPreferences(stack.awsClients().dynamoDb(),
                stack.resources().tableName("EmailPreferencesTable"), new RetentionPolicy(12));
    }

    String pageLink() {
        return pathAndQuery(links.preferencesUrl(hash, null, Instant.now()));
    }

    /** The choices items kept for the reader: sort key to method. */
    Map<String, String> items() {
        return stack.awsClients().dynamoDb().query(r -> r.tableName(stack.resources().tableName("EmailPreferencesTable"))
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(hash))))
                .items().stream().collect(Collectors.toMap(i -> i.get("sk").s(),
                        i -> i.containsKey("method") ? i.get("method").s() : ""));
    }

    static Map<String, Boolean> checkboxes(String html) {
        Map<String, Boolean> boxes = new java.util.LinkedHashMap<>();
        Matcher m = CHECKBOX.matcher(html);
        while (m.find()) {
            boxes.put(m.group(1), m.group(2) != null);
        }
        return boxes;
    }

    static String tokenOf(String link) {
        Matcher m = Pattern.compile("token=([^&]+)").matcher(link);
        assertThat(m.find()).isTrue();
        return java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    HttpResponse<String> post(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "content-type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return httpForm("POST", "/v1/email/preferences?lang=en", body, all);
    }

    HttpResponse<String> save(String token, String... fields) {
        StringBuilder body = new StringBuilder("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
        for (String f : fields) {
            body.append('&').append(f);
        }
        return post(body.toString(), "origin", publicOrigin(), "sec-fetch-site", "same-origin");
    }

    @Test
    void theLinkInAMarketingMailShouldOpenTheBrandedPageInTheMailsLanguage_andChangeNothing() {
        String siteId = uniqueId("prefs");
        stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite", "site", Map.of(
                "siteId", siteId, "name", siteId, "accountId", "acct-" + siteId,
                "allowedOrigins", List.of("https://shop.example.com"), "bannerVersion", "2026-11",
                "branding", Map.of("companyName", "Acme Shop B.V.", "contactEmail", "privacy@acme.example"))));
        NotificationPipelineIT.enqueue(new Notification(uniqueId("news"), Notification.MARKETING, "newsletter", "de",
                reader, "newsletter", Map.of("title", "Neuigkeiten", "text", "Hallo.", "siteId", siteId), null));
        Matcher link = PREFERENCES_LINK.matcher(stack.mailbox().awaitEmailTo(reader, WAIT).text());
        assertThat(link.find()).isTrue();

        http("HEAD", pathAndQuery(link.group(1)), null);
        HttpResponse<String> page = http("GET", pathAndQuery(link.group(1)), null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<html lang=\"de\"", "Acme Shop B.V.", "privacy@acme.example",
                "Ihre E-Mail-Einstellungen", "Von allem abmelden", "Meldungen über Datenpannen",
                "lassen sich daher nicht abbestellen", "<input type=\"hidden\" name=\"token\"")
                .doesNotContain("<script");
        assertThat(checkboxes(page.body())).isEqualTo(Map.of("newsletter", true, "product_updates", true));
        assertThat(items()).isEmpty();
    }

    @Test
    void eachTopicShouldBeSavedOnItsOwn_eachChangeRecordedAsAConsentVersion_andTheNotifierShouldHonourIt() {
        String token = tokenOf(pageLink());
        HttpResponse<String> saved = save(token, "topic.product_updates=on", "action=save");

        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(saved.body()).contains("Your choices are saved.");
        assertThat(checkboxes(saved.body())).isEqualTo(Map.of("newsletter", false, "product_updates", true));
        assertThat(preferences.stateOf(hash, Instant.now()).optedOutTopics()).containsExactly("newsletter");
        assertThat(items()).isEqualTo(Map.of("OPTOUT#newsletter", "preferences_page"));

        NotificationPipelineIT.enqueue(new Notification(uniqueId("news"), Notification.MARKETING, "newsletter", "en",
                reader, "newsletter", Map.of("title", "Opted-out issue", "text", "x"), null));
        NotificationPipelineIT.enqueue(new Notification(uniqueId("upd"), Notification.MARKETING, "newsletter", "en",
                reader, "product_updates", Map.of("title", "Product update issue", "text", "x"), null));
        assertThat(stack.mailbox().awaitEmailTo(reader, WAIT).subject()).isEqualTo("Product update issue");
        NotificationPipelineIT.awaitControlMail();
        assertThat(stack.mailbox().to(reader)).hasSize(1);

        // Ticking the newsletter again: the opt-out ends and the opt-in is kept as the newer version.
        HttpResponse<String> again = save(token, "topic.newsletter=on", "topic.product_updates=on");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(checkboxes(again.body())).isEqualTo(Map.of("newsletter", true, "product_updates", true));
        assertThat(preferences.stateOf(hash, Instant.now()).optedOutTopics()).isEmpty();
        assertThat(items()).isEqualTo(Map.of("OPTIN#newsletter", "preferences_page"));
    }

    @Test
    void unsubscribeFromAllShouldStopEveryOptionalTopic_andTickingOneAgainShouldEndIt() {
        String token = tokenOf(pageLink());
        HttpResponse<String> all = save(token, "topic.newsletter=on", "action=all");

        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).contains("You are unsubscribed from all optional emails.");
        assertThat(checkboxes(all.body())).isEqualTo(Map.of("newsletter", false, "product_updates", false));
        assertThat(items()).isEqualTo(Map.of("OPTOUT#all", "preferences_page"));
        assertThat(preferences.stateOf(hash, Instant.now()).blocks(new Notification("x", Notification.MARKETING,
                "newsletter", "en", reader, "product_updates", Map.of(), null))).isTrue();

        HttpResponse<String> one = save(token, "topic.product_updates=on");
        assertThat(checkboxes(one.body())).isEqualTo(Map.of("newsletter", false, "product_updates", true));
        assertThat(preferences.stateOf(hash, Instant.now()).optedOutTopics()).containsExactly("newsletter");
        assertThat(items()).containsEntry("OPTIN#all", "preferences_page")
                .containsEntry("OPTOUT#newsletter", "preferences_page").doesNotContainKey("OPTOUT#all");
    }

    @Test
    void aTamperedExpiredOrOneClickTokenShouldGetTheRefusedPage_andChangeNothing() {
        String token = tokenOf(pageLink());
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        String expired = links.preferencesToken(hash, null, Instant.now().minusSeconds(5));
        String oneClick = links.token(hash, "newsletter");

        HttpResponse<String> bad = get("/v1/email/preferences?token=" + URLEncoder.encode(tampered, StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Invalid link").doesNotContain("<form");
        HttpResponse<String> old = get("/v1/email/preferences?token=" + URLEncoder.encode(expired, StandardCharsets.UTF_8));
        assertThat(old.statusCode()).isEqualTo(410);
        assertThat(old.body()).contains("Link expired").doesNotContain("<form");
        assertThat(get("/v1/email/preferences?token=" + URLEncoder.encode(oneClick, StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(400);
        assertThat(get("/v1/email/preferences").statusCode()).isEqualTo(400);

        assertThat(save(tampered, "action=all").statusCode()).isEqualTo(400);
        assertThat(save(expired, "action=all").statusCode()).isEqualTo(410);
        assertThat(save(oneClick, "action=all").statusCode()).isEqualTo(400);
        assertThat(items()).isEmpty();
    }

    @Test
    void aCrossSitePostShouldBeRefused_andChangeNothing() {
        String body = "token=" + URLEncoder.encode(tokenOf(pageLink()), StandardCharsets.UTF_8) + "&action=all";

        assertThat(post(body, "origin", "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(post(body, "origin", "null").statusCode()).isEqualTo(403);
        assertThat(post(body, "sec-fetch-site", "cross-site").statusCode()).isEqualTo(403);
        assertThat(post(body, "origin", publicOrigin(), "sec-fetch-site", "same-site").statusCode()).isEqualTo(403);
        assertThat(items()).isEmpty();

        // The same form from the page itself works.
        assertThat(post(body, "origin", publicOrigin(), "sec-fetch-site", "same-origin").statusCode()).isEqualTo(200);
        assertThat(items()).containsOnlyKeys("OPTOUT#all");
    }

    @Test
    void controlCharactersUnknownFieldsOversizedOrNonFormBodiesShouldGet4xx_andChangeNothing() {
        String token = URLEncoder.encode(tokenOf(pageLink()), StandardCharsets.UTF_8);
        String[] own = {"origin", publicOrigin(), "sec-fetch-site", "same-origin"};

        assertThat(post("token=" + token + "%00&action=all", own).statusCode()).isEqualTo(400);
        assertThat(post("token=%0D%0A" + token + "&action=all", own).statusCode()).isEqualTo(400);
        assertThat(post("token=" + token + "&action=all%1B", own).statusCode()).isEqualTo(400);
        assertThat(post("token=" + token + "&topic.newsletter=on%07", own).statusCode()).isEqualTo(400);
        assertThat(post("token=" + token + "&topic.everything=on", own).statusCode()).isEqualTo(400);
        assertThat(post("token=" + token + "&action=delete", own).statusCode()).isEqualTo(400);
        assertThat(post("token=" + token + "&action=all&pad=" + "x".repeat(2000), own).statusCode()).isEqualTo(413);
        assertThat(post("token=%zz&action=all", own).statusCode()).isEqualTo(400);
        assertThat(post("action=all", own).statusCode()).isEqualTo(400);
        assertThat(httpForm("POST", "/v1/email/preferences", "{\"token\":\"" + token + "\",\"action\":\"all\"}",
                "content-type", "application/json", "origin", publicOrigin()).statusCode()).isEqualTo(415);
        HttpResponse<String> odd = get("/v1/email/preferences?token=%00%0A" + "a".repeat(500));
        assertThat(odd.statusCode()).isEqualTo(400);
        assertThat(items()).isEmpty();
    }
}
