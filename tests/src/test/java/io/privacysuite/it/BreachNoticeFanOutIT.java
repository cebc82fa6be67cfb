package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.EmailAddresses;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Telling the people affected by a breach, through the local stack: an audience CSV in the exports bucket, the
 * fan-out queue, the notifier and SES. Started twice and a page delivered twice, everyone still gets one copy, in
 * their language; a suppressed address gets none; a marketing opt-out does not stop a breach notice; the console
 * shows the progress.
 */
class BreachNoticeFanOutIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    static JsonNode admin(Map<String, Object> event) {
        return stack.functions().invokeForJson("IncidentsAdminFunction", event);
    }

    static String openIncident(String title) {
        JsonNode opened = admin(BreachIncidentIT.openEvent(title, Instant.now().minus(Duration.ofHours(5))));
        assertThat(opened.path("incidentId").asText()).as(opened.toString()).isNotEmpty();
        return opened.path("incidentId").asText();
    }

    @Test
    void aFanOutStartedTwiceAndRedelivered_shouldMailEveryoneOnce_inTheirLanguage_skippingSuppressedAddresses() {
        String tag = uniqueId("fan");
        String en = tag + "-en@example.org";
        String fr = tag + "-fr@example.org";
        String nl = tag + "-nl@example.org";
        String optedOut = tag + "-optout@example.org";
        String suppressed = tag + "-bounced@example.org";
        var preferences = new DynamoDbEmailPreferences(stack.awsClients().dynamoDb(),
                stack.resources().tableName("EmailPreferencesTable"), new RetentionPolicy(12));
        preferences.suppress(EmailAddresses.hash(suppressed), "bounce", "it", Instant.now());
        preferences.optOut(EmailAddresses.hash(optedOut), "all", "it", Instant.now());
        String csv = "email,locale\n" + en + ",en\n" + fr + ",fr\n" + nl + ",nl\n" + optedOut + "\n"
                + suppressed + ",de\n" + "not an address,en\n" + "\n" + fr.toUpperCase() + ",fr\n";
        String key = "audiences/" + tag + ".csv";
        stack.awsClients().s3().orElseThrow().putObject(r -> r.bucket(stack.resources().bucketName("ExportsBucket"))
                .key(key), RequestBody.fromString(csv));
        String incidentId = openIncident("Fan-out " + tag);
        Map<String, Object> notify = Map.of("action", "notifyAffected", "incidentId", incidentId, "operator", "alice",
                "audience", Map.of("csv", key), "whatYouCanDo", "Be wary of emails quoting your tickets.");

        JsonNode first = admin(notify);
        JsonNode second = admin(notify);
        // The same page again, as SQS may redeliver it.
        stack.awsClients().sqs().sendMessage(r -> r.queueUrl(stack.resources().queueUrl("NoticeFanOutQueue"))
                .messageBody(Json.write(Map.of("campaign", first.path("campaign").asText(), "run",
                        first.path("run").asText(), "template", "breach_notice", "data", Map.of("nature", "x"),
                        "defaultLocale", "en", "audience", Map.of("csvKey", key), "page", 0, "cursor", 0))));

        assertThat(first.path("campaign").asText()).isEqualTo("breach-" + incidentId);
        assertThat(second.path("run").asText()).isNotEqualTo(first.path("run").asText());
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode progress;
        do {
            progress = admin(Map.of("action", "noticeProgress", "incidentId", incidentId)).path("progress");
        } while ((progress.path("sent").asLong() < 4 || progress.path("suppressed").asLong() < 1
                || progress.path("queued").asLong() < 10) && System.nanoTime() < deadline && pause());
        // Give any duplicate the time to arrive before counting.
        pause(3000);

        for (String address : List.of(en, fr, nl, optedOut)) {
            assertThat(stack.mailbox().to(address)).as(address).hasSize(1);
        }
        assertThat(stack.mailbox().to(suppressed)).isEmpty();
        assertThat(stack.mailbox().to(fr).get(0).subject()).contains("incident de sécurité");
        assertThat(stack.mailbox().to(nl).get(0).subject()).contains("beveiligingsincident");
        Mailbox.Email english = stack.mailbox().to(en).get(0);
        assertThat(english.text()).contains("A misconfigured share exposed support tickets", "names, email addresses",
                "Phishing using ticket details", "Share closed; access logs reviewed", "Be wary of emails quoting your tickets",
                "dpo@example.com", incidentId).contains("required by law");
        assertThat(progress.path("sent").asLong()).isEqualTo(4);
        assertThat(progress.path("suppressed").asLong()).isEqualTo(1);
        assertThat(progress.path("failed").asLong()).isZero();
        // Two runs queued the five sendable addresses (and the upper-case repeat) each; the ledger sent each person once.
        assertThat(progress.path("queued").asLong()).isEqualTo(12);
        JsonNode trail = admin(Map.of("action", "incident", "incidentId", incidentId)).path("audit");
        assertThat(trail.findValuesAsText("action")).containsSubsequence("opened", "people_notice_started",
                "people_notice_started");
    }

    @Test
    void aNoticeShouldBeRefused_forAMissingCsv_aKeyOutsideAudiences_orNoWhatYouCanDo() {
        String incidentId = openIncident(uniqueId("Refused"));

        JsonNode missing = admin(Map.of("action", "notifyAffected", "incidentId", incidentId, "operator", "a",
                "audience", Map.of("csv", "audiences/nope-" + uniqueId("x") + ".csv"), "whatYouCanDo", "x"));
        JsonNode outside = admin(Map.of("action", "notifyAffected", "incidentId", incidentId, "operator", "a",
                "audience", Map.of("csv", "exports/../secrets.csv")));
        JsonNode both = admin(Map.of("action", "notifyAffected", "incidentId", incidentId, "operator", "a",
                "audience", Map.of("csv", "audiences/a.csv", "addresses", List.of("a@example.org")),
                "whatYouCanDo", "x"));

        assertThat(missing.at("/error/fields/audience").asText()).contains("no such CSV");
        assertThat(outside.at("/error/fields").fieldNames()).toIterable().containsExactlyInAnyOrder("audience",
                "whatYouCanDo");
        assertThat(both.at("/error/fields/audience").asText()).contains("either");
        assertThat(admin(Map.of("action", "noticeProgress", "incidentId", incidentId)).at("/progress/queued").asLong())
                .isZero();
    }

    static boolean pause() {
        pause(500);
        return true;
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
