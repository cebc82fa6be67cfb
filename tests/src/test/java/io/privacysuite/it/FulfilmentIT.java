package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.emulators.Mailbox;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * DSAR fulfilment end to end: a verified request (HTTP intake, emailed link followed over HTTP) goes through the
 * processing queue to the request processor, which searches three DynamoDB tables (delete / anonymize / retain), a signed webhook and the suite's own
 * data, then exports to S3Mock (the emailed link is followed through the suite's presigning redirect), erases with a legal
 * exception, or escalates a source that keeps failing.
 */
class FulfilmentIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Pattern JSON_LINK = Pattern.compile("https?://\\S+/export\\.json\\S*");
    static final Pattern HTML_LINK = Pattern.compile("https?://\\S+/export\\.html\\S*");

    String siteId;

    @BeforeEach
    void site() {
        siteId = newSite("ful");
    }

    String recordConsent() {
        return recordConsent(siteId);
    }

    static String idOf(String consent) {
        return consent.replaceAll(".*\"consentId\":\"([^\"]+)\".*", "$1");
    }

    /** A seeded customer who gave a consent, and their verified request naming it (with its key). */
    record WithConsent(String email, String consentId, String requestId) {}

    private WithConsent customerWithConsentAsks(String prefix, String type) {
        String email = uniqueId(prefix) + "@example.org";
        seedCustomer(email);
        String consent = recordConsent();
        return new WithConsent(email, idOf(consent), verifiedRequest(email, type, "\"consents\":[" + consent + "]"));
    }

    @Test
    void shouldExportDataFromTwoTablesAndAWebhook_throughAnEmailedPresignedLink() throws Exception {
        WithConsent asked = customerWithConsentAsks("exp", "access");
        String email = asked.email();
        String consentId = asked.consentId();
        String requestId = asked.requestId();

        Mailbox.Email mail = awaitMail(email, "ready to download");
        String jsonLink = find(JSON_LINK, mail.text());
        // A link to the suite, which presigns at the click (DownloadLinkIT): nothing in it dies with credentials.
        assertThat(jsonLink).startsWith(publicOrigin() + "/v1/requests/" + requestId + "/download/").doesNotContain("X-Amz-");
        HttpResponse<String> download = download(jsonLink);
        assertThat(download.statusCode()).isEqualTo(200);
        JsonNode export = Json.read(download.body());
        assertThat(export.path("schema").asText()).isEqualTo("privacysuite.dsar-export");
        assertThat(export.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(export.path("requestId").asText()).isEqualTo(requestId);
        assertThat(source(export, "shop-orders").path("recordCount").asInt()).isEqualTo(2);
        assertThat(source(export, "shop-orders").at("/records/0/customerEmail").asText()).isEqualTo(email);
        assertThat(source(export, "shop-invoices").at("/records/0/amount").asText()).isEqualTo("119.00");
        assertThat(source(export, "support-desk").at("/records/0/subject").asText()).isEqualTo("Parcel missing");
        assertThat(source(export, "consents").at("/records/0/consentId").asText()).isEqualTo(consentId);
        assertThat(source(export, "earlier-requests").path("recordCount").asInt()).isZero();
        assertThat(source(export, "shop-reviews").at("/records/0/authorName").asText()).isEqualTo("Ann E.");
        assertThat(export.at("/totals/records").asInt()).isEqualTo(6);

        HttpResponse<String> html = download(find(HTML_LINK, mail.text()));
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("<h2>Your invoices</h2>").contains("Parcel missing");

        assertThat(TestWebhook.get().callsFor(email)).isNotEmpty()
                .allSatisfy(c -> assertThat(c.signatureValid()).isTrue())
                .extracting(TestWebhook.Call::action).containsOnly("export");
        JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
        assertThat(status.path("status").asText()).isEqualTo("completed");
        assertThat(status.path("audit")).extracting(a -> a.path("why").asText())
                .anyMatch(w -> w.startsWith("shop-orders: found 2"))
                .anyMatch(w -> w.startsWith("support-desk: found 1"));
    }

    @Test
    void shouldEraseWhatMayGo_andRestrictInvoicesKeptForTax_tellingThePersonWhy() {
        WithConsent asked = customerWithConsentAsks("era", "erasure");
        String email = asked.email();
        String consentId = asked.consentId();
        String requestId = asked.requestId();

        Mailbox.Email mail = awaitMail(email, "erasure request is complete");
        LocalDate until = LocalDate.of(LocalDate.now(ZoneId.of("Europe/Brussels")).getYear() + 11, 1, 1);
        assertThat(mail.text()).contains("invoices (1): tax law: invoices are kept for 10 fiscal years")
                .contains("deleted on " + until);

        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        assertThat(dynamo.query(r -> r.tableName(TestBackends.ORDERS_TABLE).keyConditionExpression("customerEmail = :e")
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromS(email)))).items()).isEmpty();
        Map<String, AttributeValue> invoice = dynamo.getItem(r -> r.tableName(TestBackends.INVOICES_TABLE)
                .key(Map.of("invoiceId", AttributeValue.fromS("INV-" + email)))).item();
        assertThat(invoice.get("processingRestricted").bool()).isTrue();
        assertThat(invoice.get("legalBasis").s()).startsWith("tax law");
        assertThat(invoice.get("retainedUntil").s()).isEqualTo(until.toString());
        assertThat(Long.parseLong(invoice.get("expiresAt").n()))
                .isEqualTo(until.atStartOfDay(ZoneId.of("Europe/Brussels")).toEpochSecond());
        assertThat(TestWebhook.get().tickets).doesNotContainKey(email);
        Map<String, AttributeValue> review = dynamo.getItem(r -> r.tableName(TestBackends.REVIEWS_TABLE)
                .key(Map.of("reviewId", AttributeValue.fromS("REV-" + email)))).item();
        assertThat(review).doesNotContainKeys("authorName", "authorEmail").containsKeys("text", "stars");
        assertThat(review.get("anonymized").bool()).isTrue();
        assertThat(dynamo.query(r -> r.tableName(stack.resources().tableName("ConsentsTable"))
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONSENT#" + consentId)))).items()).isEmpty();

        JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
        assertThat(status.path("status").asText()).isEqualTo("completed");
        assertThat(status.path("audit")).extracting(a -> a.path("why").asText())
                .anyMatch(w -> w.startsWith("shop-orders: found 2, deleted 2"))
                .anyMatch(w -> w.contains("shop-invoices: found 1, kept 1 invoices"))
                .anyMatch(w -> w.startsWith("shop-reviews: found 1, anonymized 1"));
    }

    @Test
    void shouldRetryAFailingWebhook_thenEscalateToOperatorsOnce_neverCompleting_evenWithDuplicateDeliveries()
            throws Exception {
        // A slow source that is down: each call takes a while, long enough for deliveries to overlap.
        String email = "fail-slow-" + uniqueId("down") + "@example.org";
        seedCustomer(email);

        // Each delivery logs one line with its result; a delivery that finds another one running (BUSY) still uses
        // up a receive, so how many runs the sources get depends on how the deliveries overlapped.
        List<String> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
        AutoCloseable listening = LogHygiene.listen(line -> {
            if (line.contains("request_fulfilment requestId=")) {
                deliveries.add(line);
            }
        });
        String requestId = verifiedRequest(email, "access");
        // SQS delivers at least once: the same message also reaches other instances of the function at once.
        String duplicate = Json.write(Map.of("Records", List.of(Map.of("messageId", "dup-" + requestId,
                "body", Json.write(processingMessage(requestId)), "attributes", Map.of("ApproximateReceiveCount", "1"),
                "eventSource", "aws:sqs"))));
        List<Thread> instances = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> stack.functions().invoke("RequestProcessorFunction", duplicate));
            t.start();
            instances.add(t);
        }

        Mailbox.Email alert = stack.mailbox().awaitEmail(e -> e.isAddressedTo("dpo@privacysuite.example")
                && e.subject().contains("needs attention") && e.subject().contains(requestId), WAIT);
        for (Thread t : instances) {
            t.join(WAIT.toMillis());
        }
        assertThat(alert.text()).contains("support-desk").contains("NOT complete");
        assertThat(awaitDlqMessage(requestId)).isTrue();

        JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
        List<String> actions = new java.util.ArrayList<>();
        status.path("audit").forEach(a -> actions.add(a.path("action").asText()));
        long runs = actions.stream().filter("source_failed"::equals).count();
        // Never completed, escalated exactly once, one operator alert.
        assertThat(status.path("status").asText()).isEqualTo("needs_attention");
        assertThat(actions).doesNotContain("complete").containsOnlyOnce("escalate");
        assertThat(stack.mailbox().all()).filteredOn(e -> e.isAddressedTo("dpo@privacysuite.example")
                && e.subject().contains("needs attention") && e.subject().contains(requestId)).hasSize(1);
        // No duplicate side effects: the sources never ran twice at once, and every run is in the audit trail
        // (three attempts per run), at most one run per delivery the queue allows.
        assertThat(TestWebhook.get().maxConcurrentCalls(email)).isEqualTo(1);
        assertThat(TestWebhook.get().callsFor(email)).hasSize((int) (3 * runs));
        listening.close();
        // The queue's 5 receives (maxReceiveCount) and the 3 duplicates each either ran the sources once or were BUSY.
        List<String> ours = deliveries.stream().filter(l -> l.contains("requestId=" + requestId + " ")).toList();
        assertThat(ours).hasSize(8);
        long busy = ours.stream().filter(l -> l.contains(" result=BUSY")).count();
        assertThat(runs).isEqualTo(8 - busy).isBetween(2L, 8L);
        assertThat(stack.mailbox().to(email)).noneMatch(m -> m.subject().contains("ready to download"));

        // The source is repaired; an operator re-queues the request from the console and it completes.
        TestWebhook.get().repaired.add(email);
        JsonNode requeued = operator(Map.of("action", "requeue", "requestId", requestId, "operator", "alice"));
        assertThat(requeued.path("status").asText()).isEqualTo("in_progress");
        assertThat(awaitMail(email, "ready to download").text()).contains("export.json");
        assertThat(operator(Map.of("action", "status", "requestId", requestId)).path("status").asText())
                .isEqualTo("completed");
    }

    /** The processing message of a stored request, as the queue carries it. */
    static io.privacysuite.requests.ProcessingMessage processingMessage(String requestId) {
        return io.privacysuite.requests.ProcessingMessage.of(new io.privacysuite.requests.DynamoDbRequestStore(
                stack.awsClients().dynamoDb(), stack.resources().tableName("RequestsTable"),
                new io.privacysuite.core.retention.RetentionPolicy(12)).find(requestId, java.time.Instant.now()).orElseThrow());
    }

    @Test
    void shouldApplyRectificationWhereTheSourceAllows_andRouteTheRestToOperators() {
        String email = uniqueId("rec") + "@example.org";
        seedCustomer(email);

        String requestId = verifiedRequest(email, "rectification",
                "\"details\":{\"shippingName\":\"Ann Newname\",\"dateOfBirth\":\"1990-02-03\"}");

        Mailbox.Email toOperator = stack.mailbox().awaitEmail(e -> e.isAddressedTo("dpo@privacysuite.example")
                && e.subject().contains("[DSAR rectification]") && e.subject().contains(requestId), WAIT);
        assertThat(toOperator.text()).contains("dateOfBirth: 1990-02-03").contains("Applied automatically: shippingName");
        awaitMail(email, "rectification request is being handled");
        Map<String, AttributeValue> order = stack.awsClients().dynamoDb().getItem(r -> r.tableName(TestBackends.ORDERS_TABLE)
                .key(Map.of("customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS("O-1")))).item();
        assertThat(order.get("shippingName").s()).isEqualTo("Ann Newname");
        assertThat(order).doesNotContainKey("dateOfBirth");
        JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
        assertThat(status.path("status").asText()).isEqualTo("in_progress");
        assertThat(status.path("audit")).extracting(a -> a.path("action").asText()).contains("route_to_operator");
    }

    @Test
    void shouldRecordAnObjection_thatBlocksEveryMarketingEmail_andFlagTheSources() {
        String email = uniqueId("obj") + "@example.org";
        seedCustomer(email);

        String requestId = verifiedRequest(email, "objection");

        awaitMail(email, "objection request is complete");
        var preferences = new io.privacysuite.notify.DynamoDbEmailPreferences(stack.awsClients().dynamoDb(),
                stack.resources().tableName("EmailPreferencesTable"), new io.privacysuite.core.retention.RetentionPolicy(12));
        var state = preferences.stateOf(io.privacysuite.notify.EmailAddresses.hash(email), java.time.Instant.now());
        assertThat(state.objected()).isTrue();
        assertThat(state.blocks(new io.privacysuite.notify.Notification("n1", "marketing", "newsletter", "en", email,
                "newsletter", Map.of(), null))).isTrue();
        assertThat(state.blocks(new io.privacysuite.notify.Notification("n2", "transactional", "request_completed", "en",
                email, null, Map.of(), null))).isFalse();
        Map<String, AttributeValue> order = stack.awsClients().dynamoDb().getItem(r -> r.tableName(TestBackends.ORDERS_TABLE)
                .key(Map.of("customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS("O-2")))).item();
        assertThat(order.get("marketingObjection").bool()).isTrue();
        assertThat(TestWebhook.get().callsFor(email)).extracting(TestWebhook.Call::action).contains("object");
        assertThat(operator(Map.of("action", "status", "requestId", requestId)).path("status").asText())
                .isEqualTo("completed");
    }

    void seedCustomer(String email) {
        TestBackends.seedCustomer(stack.awsClients().dynamoDb(), email);
    }

    @Test
    void shouldRefuseAConsentTheRequesterCannotProveToHold() {
        String consent = recordConsent();
        String forged = consent.replaceAll("\"key\":\"([0-9a-f]{8})\\.[^\"]+\"",
                "\"key\":\"$1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"");
        assertThat(forged).isNotEqualTo(consent);
        String email = uniqueId("forge") + "@example.org";
        HttpResponse<String> refused = http("POST", "/v1/requests", "{\"type\":\"erasure\",\"email\":\"" + email
                + "\",\"siteId\":\"" + siteId + "\",\"consents\":[" + forged + "]}",
                "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).at("/error/fields").has("consents[0]")).isTrue();
        // Nothing was taken in: no verification email, and the consent is untouched.
        assertThat(stack.mailbox().to(email)).isEmpty();
        assertThat(stack.awsClients().dynamoDb().query(r -> r.tableName(stack.resources().tableName("ConsentsTable"))
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONSENT#" + idOf(consent)))))
                .count()).isEqualTo(1);
    }

    String verifiedRequest(String email, String type) {
        return verifiedRequest(email, type, null);
    }

    /** Submits over HTTP (with {@code extraJson} fields such as details or consentIds), follows the emailed link. */
    String verifiedRequest(String email, String type, String extraJson) {
        String body = "{\"type\":\"" + type + "\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId + "\""
                + (extraJson == null ? "" : "," + extraJson) + "}";
        assertThat(http("POST", "/v1/requests", body, "x-forwarded-for", DataSubjectRequestIT.randomIp()).statusCode())
                .isEqualTo(202);
        String link = find(DataSubjectRequestIT.VERIFY_LINK, awaitMail(email, "Please confirm").text());
        assertThat(confirmLink(link).confirmed().statusCode()).isEqualTo(200);
        Matcher m = DataSubjectRequestIT.VERIFY_LINK.matcher(link);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    boolean awaitDlqMessage(String requestId) {
        var sqs = stack.awsClients().sqs();
        String dlq = stack.resources().queueUrl("RequestProcessingDLQ");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : sqs.receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                if (m.body().contains(requestId)) {
                    sqs.deleteMessage(r -> r.queueUrl(dlq).receiptHandle(m.receiptHandle()));
                    return true;
                }
                sqs.changeMessageVisibility(r -> r.queueUrl(dlq).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
        return false;
    }

    static JsonNode source(JsonNode export, String id) {
        for (JsonNode s : export.path("sources")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no source " + id + " in export");
    }

    Mailbox.Email awaitMail(String to, String subjectPart) {
        return stack.mailbox().awaitEmail(e -> e.isAddressedTo(to) && e.subject().contains(subjectPart), WAIT);
    }

    static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("link in email text").isTrue();
        return m.group();
    }

}
