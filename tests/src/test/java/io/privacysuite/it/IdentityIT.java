package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.emulators.Mailbox;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A person reaches only data tied to what they proved: the verified address, identifiers the data map derives from
 * it (a customer-accounts table resolving the address to account ids), or an identifier the company's own app
 * signed for that address. An identifier typed into the form reaches nothing.
 */
class IdentityIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern JSON_LINK = Pattern.compile("https?://\\S+/export\\.json\\S*");

    String siteId;

    @BeforeEach
    void site() {
        siteId = newSite("ident");
    }

    static void seedLoyalty(String customerId, String nickname) {
        stack.awsClients().dynamoDb().putItem(r -> r.tableName(TestBackends.LOYALTY_TABLE).item(Map.of(
                "customerId", AttributeValue.fromS(customerId), "cardNo", AttributeValue.fromS("CARD-1"),
                "points", AttributeValue.fromN("500"), "nickname", AttributeValue.fromS(nickname))));
    }

    static Map<String, AttributeValue> loyalty(String customerId) {
        return stack.awsClients().dynamoDb().getItem(r -> r.tableName(TestBackends.LOYALTY_TABLE).key(Map.of(
                "customerId", AttributeValue.fromS(customerId), "cardNo", AttributeValue.fromS("CARD-1")))).item();
    }

    String body(String type, String email, String extra) {
        return "{\"type\":\"" + type + "\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId + "\""
                + (extra == null ? "" : "," + extra) + "}";
    }

    static JsonNode exportOf(String email) {
        Mailbox.Email mail = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.subject().contains("ready to download"), WAIT);
        HttpResponse<String> file = download(FulfilmentIT.find(JSON_LINK, mail.text()));
        assertThat(file.statusCode()).isEqualTo(200);
        try {
            return Json.read(file.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** What the company's app does for a logged-in user (README "Identity assertions"). */
    static String assertion(String key, String subjectId, String email, long expiresAt) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = HexFormat.of().formatHex(mac.doFinal(("privacysuite.identity.v1\n" + subjectId + "\n"
                + email.strip().toLowerCase(java.util.Locale.ROOT) + "\n" + expiresAt).getBytes(StandardCharsets.UTF_8)));
        return "\"identity\":{\"subjectId\":\"" + subjectId + "\",\"expiresAt\":" + expiresAt + ",\"signature\":\""
                + signature + "\"}";
    }

    /** The IdentityAssertionSecret the company's app shares, read from the local Secrets Manager as the app would. */
    static String assertionKey() {
        String arn = stack.functions().env("RequestsApiFunction").require("IDENTITY_ASSERTION_SECRET_ARN");
        return stack.awsClients().secretsManager().orElseThrow()
                .getSecretValue(r -> r.secretId(arn)).secretString();
    }

    @Test
    void shouldIgnoreASubjectIdTypedIntoTheForm_exportingErasingRectifyingAndSendingNothingOfTheirs() {
        String victim = uniqueId("cus-victim");
        seedLoyalty(victim, "Vic");
        // Three addresses of the attacker's, so that no request finds another as an earlier request.
        String mallory = uniqueId("mallory") + "@example.org";
        String mallory2 = uniqueId("mallory") + "@example.org";
        String mallory3 = uniqueId("mallory") + "@example.org";

        String access = submitAndConfirm(body("access", mallory, "\"details\":{\"subjectId\":\"" + victim + "\"}"), mallory);
        String erasure = submitAndConfirm(body("erasure", mallory2, "\"details\":{\"subjectId\":\"" + victim + "\"}"), mallory2);
        String rectification = submitAndConfirm(body("rectification", mallory3,
                "\"details\":{\"subjectId\":\"" + victim + "\",\"nickname\":\"Pwned\"}"), mallory3);

        for (String requestId : new String[] {access, erasure, rectification}) {
            JsonNode status = awaitProcessed(requestId);
            assertThat(status.path("audit")).extracting(a -> a.path("action").asText()).contains("ignore_identifier");
            assertThat(status.toString()).doesNotContain(victim);
        }
        Map<String, AttributeValue> untouched = loyalty(victim);
        assertThat(untouched).isNotEmpty();
        assertThat(untouched.get("nickname").s()).isEqualTo("Vic");
        assertThat(stack.mailbox().to(mallory)).noneMatch(m -> m.subject().contains("ready to download"));
        for (String address : new String[] {mallory, mallory2, mallory3}) {
            assertThat(TestWebhook.get().callsFor(address)).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.subject()).doesNotContain(victim));
        }
        // The person is told what was searched, and that the typed identifier was not used.
        Mailbox.Email answer = stack.mailbox().awaitEmail(m -> m.isAddressedTo(mallory)
                && m.subject().contains("no personal data"), WAIT);
        assertThat(answer.text()).contains("subjectId").contains("verified email address");
    }

    @Test
    void shouldSearchAccountIdsTheDataMapResolvesFromTheVerifiedAddress() {
        String email = uniqueId("owner") + "@example.org";
        String account = uniqueId("acct");
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        dynamo.putItem(r -> r.tableName(TestBackends.ACCOUNTS_TABLE).item(Map.of("email", AttributeValue.fromS(email),
                "accountId", AttributeValue.fromS(account), "plan", AttributeValue.fromS("pro"))));
        seedLoyalty(account, "Own");

        submitAndConfirm(body("access", email, null), email);

        JsonNode export = exportOf(email);
        assertThat(FulfilmentIT.source(export, "shop-loyalty").at("/records/0/customerId").asText()).isEqualTo(account);
        assertThat(FulfilmentIT.source(export, "shop-accounts").path("recordCount").asInt()).isEqualTo(1);
        assertThat(stack.mailbox().to(email)).filteredOn(m -> m.subject().contains("ready to download"))
                .singleElement().satisfies(m -> assertThat(m.text()).contains("verified email address"));
    }

    @Test
    void shouldSearchAnIdSignedByTheCompanysApp_andRefuseForgedExpiredOrBorrowedAssertions() throws Exception {
        String email = uniqueId("signed") + "@example.org";
        String customer = uniqueId("cus");
        seedLoyalty(customer, "Signed");
        String key = assertionKey();
        long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();

        String forged = assertion(key + "-wrong", customer, email, inAnHour);
        String expired = assertion(key, customer, email, Instant.now().minusSeconds(60).getEpochSecond());
        String borrowed = assertion(key, customer, "someone-else@example.org", inAnHour);
        for (String refused : new String[] {forged, expired, borrowed}) {
            HttpResponse<String> answer = http("POST", "/v1/requests", body("access", email, refused),
                    "x-forwarded-for", DataSubjectRequestIT.randomIp());
            assertThat(answer.statusCode()).as(refused).isEqualTo(400);
            assertThat(json(answer).at("/error/fields").has("identity")).isTrue();
        }
        assertThat(stack.mailbox().to(email)).isEmpty();

        submitAndConfirm(body("access", email, assertion(key, customer, email, inAnHour)), email);

        JsonNode export = exportOf(email);
        assertThat(FulfilmentIT.source(export, "shop-loyalty").at("/records/0/nickname").asText()).isEqualTo("Signed");
        assertThat(TestWebhook.get().callsFor(email)).isNotEmpty()
                .allSatisfy(c -> assertThat(c.subject()).contains(customer));
    }
}
