package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.emulators.Mailbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Legal holds beat requests: what a hold covers (an account's data, or one data subject's) is kept and restricted
 * by an erasure, listed in the person's email as kept for legal claims, and still exported, marked as held.
 */
class LegalHoldRequestIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    String siteId;
    String accountId;
    final List<String> holds = new java.util.ArrayList<>();

    @BeforeEach
    void site() {
        siteId = uniqueId("held");
        String group = uniqueId("acme");
        accountId = "acct-" + group;
        registerSite(siteId, group, "2026-11", "https://shop.example.com");
    }

    @AfterEach
    void releaseHolds() {
        for (String holdId : holds) {
            admin(Map.of("action", "releaseLegalHold", "holdId", holdId, "releasedBy", "legal", "reason", "test over"));
        }
    }

    static JsonNode admin(Map<String, Object> event) {
        return stack.functions().invokeForJson("RetentionAdminFunction", event);
    }

    void hold(String scope, String scopeId) {
        JsonNode placed = admin(Map.of("action", "placeLegalHold", "scope", scope, "scopeId", scopeId,
                "reason", "pending litigation", "placedBy", "legal"));
        holds.add(placed.path("holdId").asText());
    }

    String consent() {
        return recordConsent(siteId);
    }

    void seedOrder(String email, String orderId, String account) {
        stack.awsClients().dynamoDb().putItem(r -> r.tableName(TestBackends.ORDERS_TABLE).item(Map.of(
                "customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS(orderId),
                "accountId", AttributeValue.fromS(account), "total", AttributeValue.fromN("12.00"))));
    }

    Map<String, AttributeValue> order(String email, String orderId) {
        return stack.awsClients().dynamoDb().getItem(r -> r.tableName(TestBackends.ORDERS_TABLE).key(Map.of(
                "customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS(orderId)))).item();
    }

    List<Map<String, AttributeValue>> consentItems(String consent) {
        String id = FulfilmentIT.idOf(consent);
        return stack.awsClients().dynamoDb().query(r -> r.tableName(stack.resources().tableName("ConsentsTable"))
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONSENT#" + id)))).items();
    }

    String request(String type, String email, String consent) {
        return submitAndConfirm("{\"type\":\"" + type + "\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId
                + "\",\"consents\":[" + consent + "]}", email);
    }

    @Test
    void shouldKeepAndRestrictWhatAnAccountHoldCovers_onErasure_andSayItIsKeptForLegalClaims() {
        String email = uniqueId("held") + "@example.org";
        String consent = consent();
        seedOrder(email, "O-held", accountId);
        seedOrder(email, "O-free", uniqueId("acct-other"));
        hold("account", accountId);

        String requestId = request("erasure", email, consent);

        Mailbox.Email done = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.subject().contains("erasure request is complete"), WAIT);
        assertThat(done.text()).contains("legal claims");
        assertThat(consentItems(consent)).isNotEmpty()
                .allSatisfy(item -> assertThat(item.get("processingRestricted").bool()).isTrue());
        Map<String, AttributeValue> held = order(email, "O-held");
        assertThat(held).isNotEmpty();
        assertThat(held.get("processingRestricted").bool()).isTrue();
        assertThat(held.get("legalHold").bool()).isTrue();
        assertThat(order(email, "O-free")).isEmpty();
        JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
        assertThat(status.path("status").asText()).isEqualTo("completed");
        assertThat(status.path("audit")).extracting(a -> a.path("why").asText())
                .anyMatch(w -> w.startsWith("shop-orders:") && w.contains("legal hold"));
    }

    @Test
    void shouldKeepTheConsentsASubjectHoldCovers_andExportThemMarkedAsHeld() throws Exception {
        String email = uniqueId("subj") + "@example.org";
        String consent = consent();
        hold("subject", FulfilmentIT.idOf(consent));

        request("access", email, consent);
        Mailbox.Email ready = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.subject().contains("ready to download"), WAIT);
        JsonNode export = Json.read(download(FulfilmentIT.find(IdentityIT.JSON_LINK, ready.text())).body());
        JsonNode consents = FulfilmentIT.source(export, "consents");
        assertThat(consents.path("heldRecords").asInt()).isEqualTo(1);
        assertThat(consents.at("/records/0/heldUnderLegalHold").asBoolean()).isTrue();

        request("erasure", email, consent);
        Mailbox.Email done = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.subject().contains("erasure request is complete"), WAIT);
        assertThat(done.text()).contains("legal claims").contains("consent_records");
        assertThat(consentItems(consent)).hasSize(1);
    }
}
