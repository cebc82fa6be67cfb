package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.Json;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.UnsubscribeLinks;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The notifier behind the notifications queue: SES sends, suppression, marketing opt-outs, poison messages. */
class NotificationPipelineIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static String address(String prefix) {
        return uniqueId(prefix) + "@example.org";
    }

    static void enqueue(Notification n) {
        enqueueRaw(Json.write(n));
    }

    static void enqueueRaw(String body) {
        stack.awsClients().sqs().sendMessage(r -> r.queueUrl(stack.resources().queueUrl("NotificationsQueue"))
                .messageBody(body));
    }

    static Notification transactional(String to, String id) {
        return new Notification(id, Notification.TRANSACTIONAL, "request_completed", "nl", to, null,
                Map.of("requestId", id, "type", "erasure"), id);
    }

    static Notification newsletter(String to, String title) {
        return new Notification(uniqueId("news"), Notification.MARKETING, "newsletter", "en", to, "newsletter",
                Map.of("title", title, "text", "Hello from the newsletter."), null);
    }

    /** Sends a control mail afterwards: once it has arrived, an earlier mail that was going to arrive would have. */
    static void awaitControlMail() {
        String control = address("control");
        enqueue(transactional(control, uniqueId("ctl")));
        stack.mailbox().awaitEmailTo(control, WAIT);
    }

    @Test
    void shouldSendLocalizedTransactionalMailThroughSes() {
        String to = address("nl");

        enqueue(transactional(to, uniqueId("req")));

        assertThat(stack.mailbox().awaitEmailTo(to, WAIT).subject()).isEqualTo("Uw verzoek (gegevenswissing) is afgehandeld");
    }

    @Test
    void shouldNotSendToSuppressedAddress_evenTransactionalMail() {
        String bounced = address("bounced");
        var result = stack.functions().invokeForJson("RequestsOperatorFunction", Map.of("action", "suppress",
                "operator", "alice", "email", bounced, "reason", "hard_bounce"));
        assertThat(result.path("suppressed").asInt()).isEqualTo(1);
        assertThat(result.toString()).doesNotContain(bounced).contains(EmailAddresses.hash(bounced));

        enqueue(transactional(bounced, uniqueId("req")));
        awaitControlMail();

        assertThat(stack.mailbox().to(bounced)).isEmpty();
    }

    @Test
    void shouldSuppressComplainingAddress_fromSesNotification() {
        String complainer = address("complainer");
        stack.functions().invokeForJson("RequestsOperatorFunction", Map.of("action", "suppress", "operator", "ops",
                "sesNotification", Map.of("notificationType", "Complaint", "complaint",
                        Map.of("complainedRecipients", List.of(Map.of("emailAddress", complainer))))));

        enqueue(newsletter(complainer, "Complained"));
        enqueue(transactional(complainer, uniqueId("req")));
        awaitControlMail();

        assertThat(stack.mailbox().to(complainer)).isEmpty();
    }

    @Test
    void shouldHonourOneClickUnsubscribe_forMarketingOnly() {
        String reader = address("reader");
        enqueue(newsletter(reader, "First issue"));
        assertThat(stack.mailbox().awaitEmailTo(reader, WAIT).text()).contains("/v1/email/unsubscribe?token=");

        // What a mailbox provider does with List-Unsubscribe-Post: a cookie-less POST to the List-Unsubscribe URI.
        UnsubscribeLinks links = UnsubscribeLinks.from(stack.functions().env("NotifierFunction"));
        URI unsubscribe = URI.create(links.url(EmailAddresses.hash(reader), "newsletter"));
        HttpResponse<String> response = http("POST", unsubscribe.getRawPath() + "?" + unsubscribe.getRawQuery(),
                "List-Unsubscribe=One-Click", "content-type", "application/x-www-form-urlencoded");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Unsubscribed");
        HttpResponse<String> forged = http("POST", "/v1/email/unsubscribe?token=" + EmailAddresses.hash(reader)
                + ".all.forged", "List-Unsubscribe=One-Click");
        assertThat(forged.statusCode()).isEqualTo(400);

        enqueue(newsletter(reader, "Second issue"));
        enqueue(transactional(reader, uniqueId("req")));
        stack.mailbox().awaitEmail(e -> e.isAddressedTo(reader) && e.subject().contains("afgehandeld"), WAIT);
        awaitControlMail();

        assertThat(stack.mailbox().to(reader)).extracting(m -> m.subject())
                .containsExactlyInAnyOrder("First issue", "Uw verzoek (gegevenswissing) is afgehandeld");
    }

    @Test
    void shouldSendOnce_whenTheSameNotificationIsDeliveredTwice() {
        String to = address("twice");
        Notification n = transactional(to, uniqueId("req"));

        // At-least-once delivery: the same message body arrives twice (a redelivery, or a producer retrying).
        enqueue(n);
        enqueue(n);
        stack.mailbox().awaitEmailTo(to, WAIT);
        awaitControlMail();

        assertThat(stack.mailbox().to(to)).hasSize(1);
    }

    @Test
    void shouldMarkAMessageThatCanNeverBeSentFailedOnce_forOperators_insteadOfRetryingItIntoTheDlq() {
        SqsClient sqs = stack.awsClients().sqs();
        String queueUrl = stack.resources().queueUrl("NotificationsQueue");
        String dlqUrl = stack.resources().queueUrl("NotificationsDLQ");
        String original = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                .attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
        String poisonId = uniqueId("poison");
        String poison = "{\"id\":\"" + poisonId + "\",\"kind\":\"transactional\",\"template\":\"no_such_template\","
                + "\"to\":\"someone@example.org\",\"ref\":\"req-poison\"}";
        String garbage = "not json at all " + uniqueId("x");
        // Redelivery after 1 s instead of the deployed 60 s: a message that was retried would reach the DLQ in seconds.
        sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1")));
        try {
            enqueueRaw(poison);
            enqueueRaw(poison);
            enqueueRaw(garbage);
            String fine = address("fine");
            enqueue(transactional(fine, uniqueId("req")));
            stack.mailbox().awaitEmailTo(fine, WAIT);

            List<String> deadLetters = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < deadline) {
                for (Message m : sqs.receiveMessage(r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages()) {
                    deadLetters.add(m.body());
                    sqs.deleteMessage(r -> r.queueUrl(dlqUrl).receiptHandle(m.receiptHandle()));
                }
            }
            assertThat(deadLetters).doesNotContain(poison, garbage);
        } finally {
            sqs.setQueueAttributes(r -> r.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, original)));
        }

        var failed = stack.functions().invokeForJson("RequestsOperatorFunction", Map.of("action", "failedNotifications"));
        assertThat(failed.path("notifications")).filteredOn(f -> f.path("id").asText().equals(poisonId)).singleElement()
                .satisfies(f -> {
                    assertThat(f.path("reason").asText()).contains("unknown template");
                    assertThat(f.path("ref").asText()).isEqualTo("req-poison");
                    assertThat(f.toString()).doesNotContain("someone@example.org");
                });
        assertThat(failed.path("notifications")).anyMatch(f -> f.path("reason").asText().contains("not JSON"));
    }
}
