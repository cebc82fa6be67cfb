package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Notices to customer accounts through the local stack: contact addresses arrive with the account lifecycle messages
 * (real queue), the fan-out reads them from AccountsTable by id or all of them, an erased account's address is gone.
 */
class AccountAudienceIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    static void lifecycle(Map<String, Object> message) {
        stack.awsClients().sqs().sendMessage(r -> r.queueUrl(stack.resources().queueUrl("AccountLifecycleQueue"))
                .messageBody(Json.write(message)));
    }

    static Map<String, AttributeValue> profile(String accountId) {
        return stack.awsClients().dynamoDb().getItem(g -> g.tableName(stack.resources().tableName("AccountsTable"))
                .consistentRead(true).key(Map.of("pk", AttributeValue.fromS("ACCOUNT#" + accountId),
                        "sk", AttributeValue.fromS("PROFILE")))).item();
    }

    /** An account with a contact address (as its system sends it: any case), stored once applied. */
    static void account(String accountId, String email) {
        lifecycle(Map.of("type", "created", "accountId", accountId, "occurredAt", Instant.now().toString(),
                "name", "Co " + accountId, "email", email.toUpperCase()));
        await().atMost(WAIT).until(() -> profile(accountId).containsKey("email"));
    }

    /** An account with an address, cancelled in 2014: its account data (the address included) is erased by now. */
    static void erasedAccount(String accountId, String email) {
        lifecycle(Map.of("type", "created", "accountId", accountId, "occurredAt", "2013-01-10T00:00:00Z",
                "name", "Old Co", "email", email));
        await().atMost(WAIT).until(() -> profile(accountId).containsKey("email"));
        lifecycle(Map.of("type", "cancelled", "accountId", accountId, "occurredAt", "2014-03-01T00:00:00Z"));
        await().atMost(WAIT).until(() -> {
            Map<String, AttributeValue> p = profile(accountId);
            return p.isEmpty() || "cancelled".equals(p.get("status").s());
        });
    }

    static void awaitQuiet() {
        // Give any duplicate the time to arrive before counting.
        BreachNoticeFanOutIT.pause(3000);
    }

    @Test
    void aBreachNoticeToAccountsById_startedTwice_shouldMailEachAccountOnce_skippingErasedAndAddresslessOnes() {
        String tag = uniqueId("acc");
        String one = tag + "-one@example.org";
        String two = tag + "-two@example.org";
        String gone = tag + "-gone@example.org";
        account(tag + "-1", one);
        account(tag + "-2", two);
        erasedAccount(tag + "-old", gone);
        lifecycle(Map.of("type", "created", "accountId", tag + "-none", "occurredAt", Instant.now().toString()));
        await().atMost(WAIT).until(() -> !profile(tag + "-none").isEmpty());
        String incidentId = BreachNoticeFanOutIT.openIncident("Accounts " + tag);
        Map<String, Object> notify = Map.of("action", "notifyAffected", "incidentId", incidentId, "operator", "alice",
                "audience", Map.of("accounts", List.of(tag + "-1", tag + "-2", tag + "-old", tag + "-none",
                        tag + "-unknown", tag + "-1")), "whatYouCanDo", "Change your password.");

        JsonNode first = BreachNoticeFanOutIT.admin(notify);
        JsonNode second = BreachNoticeFanOutIT.admin(notify);

        assertThat(second.path("run").asText()).as(second.toString()).isNotEqualTo(first.path("run").asText());
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode progress;
        do {
            progress = BreachNoticeFanOutIT.admin(Map.of("action", "noticeProgress", "incidentId", incidentId))
                    .path("progress");
        } while ((progress.path("sent").asLong() < 2 || progress.path("skipped").asLong() < 6)
                && System.nanoTime() < deadline && BreachNoticeFanOutIT.pause());
        awaitQuiet();

        assertThat(stack.mailbox().to(one)).hasSize(1);
        assertThat(stack.mailbox().to(two)).hasSize(1);
        assertThat(stack.mailbox().to(gone)).isEmpty();
        assertThat(stack.mailbox().to(one).get(0).text()).contains("Change your password.", incidentId);
        progress = BreachNoticeFanOutIT.admin(Map.of("action", "noticeProgress", "incidentId", incidentId))
                .path("progress");
        // Each run: the two addresses and the repeated id queued, the erased, address-less and unknown ones skipped.
        assertThat(progress.path("queued").asLong()).isEqualTo(6);
        assertThat(progress.path("skipped").asLong()).isEqualTo(6);
        assertThat(progress.path("sent").asLong()).isEqualTo(2);
        JsonNode trail = BreachNoticeFanOutIT.admin(Map.of("action", "incident", "incidentId", incidentId)).path("audit");
        assertThat(trail.toString()).contains("6 account(s) by id").doesNotContain(one);
        // The address is account data: canonical, under the account's retention rule.
        Map<String, AttributeValue> stored = profile(tag + "-1");
        assertThat(stored.get("email").s()).isEqualTo(one);
        assertThat(stored.get("dataCategory").s()).isEqualTo("account");
    }

    @Test
    void aPolicyChangeToAllAccountsAndSubscribers_shouldMailEveryAccountWithAnAddressAndEverySubscriberOnce() {
        String tag = uniqueId("all");
        List<String> addresses = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            addresses.add(tag + "-" + i + "@example.org");
            account(tag + "-" + i, addresses.get(i));
        }
        String gone = tag + "-gone@example.org";
        erasedAccount(tag + "-old", gone);
        String version = uniqueId("acc");
        String subscriber = tag + "-news@example.org";
        // Newsletter subscribers (here inline; a CSV for many): one of them is also an account holder.
        List<String> newsletter = List.of(subscriber, addresses.get(1));

        // Effective after PolicyVersionIT's version: the policy is one per stack, and that test expects the API to
        // show its own version as the next one, whichever of the two classes a test JVM runs first.
        JsonNode published = PolicyVersionIT.publish(Map.of("action", "publishPolicy", "operator", "alice",
                "version", version, "summary", "A new analytics provider.", "link", "https://shop.example.com/privacy",
                "material", false, "effectiveAt", Instant.now().plus(Duration.ofDays(365)).toString(),
                "audience", List.of(Map.of("accounts", "all"), Map.of("addresses", newsletter))));

        assertThat(published.path("campaign").asText()).as(published.toString()).isEqualTo("policy-" + version);
        addresses.add(subscriber);
        for (String address : addresses) {
            assertThat(stack.mailbox().awaitEmailTo(address, WAIT).subject()).contains("Our privacy policy changes");
        }
        awaitQuiet();
        for (String address : addresses) {
            assertThat(stack.mailbox().to(address)).as(address).hasSize(1);
        }
        assertThat(stack.mailbox().to(gone)).isEmpty();
    }

    @Test
    void anAccountsAudience_shouldBeRefused_whenNeitherAllNorAListOfIds() {
        String incidentId = BreachNoticeFanOutIT.openIncident(uniqueId("Refused"));

        JsonNode some = BreachNoticeFanOutIT.admin(Map.of("action", "notifyAffected", "incidentId", incidentId,
                "operator", "a", "audience", Map.of("accounts", "some"), "whatYouCanDo", "x"));
        JsonNode badId = BreachNoticeFanOutIT.admin(Map.of("action", "notifyAffected", "incidentId", incidentId,
                "operator", "a", "audience", Map.of("accounts", List.of("ok", "ACCOUNT#x")), "whatYouCanDo", "x"));
        JsonNode twoKinds = BreachNoticeFanOutIT.admin(Map.of("action", "notifyAffected", "incidentId", incidentId,
                "operator", "a", "audience", Map.of("accounts", "all", "csv", "audiences/a.csv"), "whatYouCanDo", "x"));

        assertThat(some.at("/error/fields/audience").asText()).contains("\"all\" or a list");
        assertThat(badId.at("/error/fields/audience").asText()).contains("account id");
        assertThat(twoKinds.at("/error/fields/audience").asText()).contains("either");
    }
}
