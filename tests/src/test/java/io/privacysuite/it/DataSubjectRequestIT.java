package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.requests.api.RequestsApiHandler;
import io.privacysuite.requests.reminder.DeadlineReminderHandler;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Data subject requests end to end through the local suite: HTTP intake, the verification email captured by the SES
 * emulator, the link read out of it and followed over HTTP, the acknowledgement, the processing queue, operator
 * actions from console events, and the refusals (enumeration, rate limits, expired / forged / replayed links).
 */
class DataSubjectRequestIT extends IntegrationTest {
    static final Duration MAIL_WAIT = Duration.ofSeconds(30);
    static final Pattern VERIFY_LINK = Pattern.compile("https?://\\S+/v1/requests/([0-9a-f-]{36})/verify\\?token=[A-Za-z0-9_-]+&expires=\\d+");
    static final Pattern STATUS_LINK = Pattern.compile("https?://\\S+/v1/requests/[0-9a-f-]{36}\\?token=[A-Za-z0-9_-]+");
    static final ZoneId LEGAL_ZONE = ZoneId.of("Europe/Brussels");

    String siteId;

    @BeforeEach
    void registerSiteForRequests() {
        siteId = uniqueId("dsar");
        registerSite(siteId, uniqueId("acme"), "2026-11", "https://shop.example.com");
    }

    static String address(String prefix) {
        return uniqueId(prefix) + "@example.org";
    }

    static String randomIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    HttpResponse<String> submit(String type, String email, String locale, String ip) {
        String body = "{\"type\":\"" + type + "\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId + "\""
                + (locale == null ? "" : ",\"locale\":\"" + locale + "\"")
                // A field no data source can change: the processor routes the request to operators, so it stays open.
                + ("rectification".equals(type) ? ",\"details\":{\"postalAddress\":\"1 New Street\"}" : "") + "}";
        return http("POST", "/v1/requests", body, "x-forwarded-for", ip);
    }

    /** The path and query of a link in an email, to follow it against the local API's port. */
    static String pathOf(String link) {
        return pathAndQuery(link);
    }

    static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as("link in email text").isTrue();
        return m.group();
    }

    Mailbox.Email awaitMail(String to, String subjectPart) {
        return stack.mailbox().awaitEmail(e -> e.isAddressedTo(to) && e.subject().contains(subjectPart), MAIL_WAIT);
    }

    /** Submits and verifies a request; returns the request id. */
    String verifiedRequest(String email, String type) {
        assertThat(submit(type, email, null, randomIp()).statusCode()).isEqualTo(202);
        String link = find(VERIFY_LINK, awaitMail(email, "Please confirm").text());
        assertThat(confirmLink(link).confirmed().statusCode()).isEqualTo(200);
        Matcher m = VERIFY_LINK.matcher(link);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /**
     * Waits until the request processor has consumed the request's processing message and finished with it (completed
     * it, or routed it to operators), then returns the processing message as the queue carried it.
     */
    JsonNode awaitProcessingMessage(String requestId) {
        long deadline = System.nanoTime() + MAIL_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, AttributeValue> item = storedItem(requestId);
            boolean done = item.get("audit").l().stream().map(a -> a.m().get("action").s())
                    .anyMatch(a -> a.equals("complete") || a.equals("route_to_operator") || a.equals("escalate"));
            // Done once the emails that step owes have left too: their flush is one more write of the request, which
            // a test's next write (an operator action, the reminder sweep) would otherwise race.
            if (done && !item.containsKey("pendingNotices")) {
                io.privacysuite.requests.DsarRequest request = new io.privacysuite.requests.DynamoDbRequestStore(
                        stack.awsClients().dynamoDb(), stack.resources().tableName("RequestsTable"),
                        new io.privacysuite.core.retention.RetentionPolicy(12)).find(requestId, Instant.now()).orElseThrow();
                assertThat(item.get("audit").l()).extracting(a -> a.m().get("action").s()).contains("start_fulfilment");
                return Json.MAPPER.valueToTree(io.privacysuite.requests.ProcessingMessage.of(request));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("request " + requestId + " was not processed");
    }

    static JsonNode parse(String json) {
        try {
            return Json.read(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Map<String, AttributeValue> storedItem(String requestId) {
        return stack.awsClients().dynamoDb().getItem(r -> r.tableName(stack.resources().tableName("RequestsTable"))
                .key(Map.of("pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS("REQUEST")))).item();
    }

    @Test
    void shouldVerifyByEmailedLink_acknowledgeWithDueDate_andQueueForProcessing() {
        String email = address("ann");
        Instant before = Instant.now();

        HttpResponse<String> accepted = submit("access", email, "en", randomIp());

        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(json(accepted).path("status").asText()).isEqualTo("received");
        Mailbox.Email verification = awaitMail(email, "Please confirm your access request");
        String link = find(VERIFY_LINK, verification.text());
        String requestId = VERIFY_LINK.matcher(link).results().findFirst().orElseThrow().group(1);

        // Only the token's hash is stored, with the 72 h TTL of an unverified request.
        String token = URI.create(link).getRawQuery().replaceAll(".*token=([^&]+).*", "$1");
        Map<String, AttributeValue> unverified = storedItem(requestId);
        assertThat(unverified.get("status").s()).isEqualTo("pending_verification");
        assertThat(unverified.toString()).doesNotContain(token);
        assertThat(unverified.get("verifyTokenHash").s()).hasSize(64);
        assertThat(unverified.get("retentionRule").s()).isEqualTo("unverified_request_72h");
        assertThat(Long.parseLong(unverified.get("expiresAt").n()))
                .isBetween(before.plus(Duration.ofHours(72)).getEpochSecond() - 1,
                        Instant.now().plus(Duration.ofHours(72)).getEpochSecond() + 1);

        HttpResponse<String> clicked = confirmLink(link).confirmed();

        assertThat(clicked.statusCode()).isEqualTo(200);
        assertThat(clicked.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(clicked.body()).contains("Request confirmed");

        JsonNode message = awaitProcessingMessage(requestId);
        Instant receivedAt = Instant.parse(message.path("receivedAt").asText());
        LocalDate expectedDue = LocalDate.ofInstant(receivedAt, LEGAL_ZONE).plusMonths(1);
        assertThat(receivedAt).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(message.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(message.path("type").asText()).isEqualTo("access");
        assertThat(message.path("siteId").asText()).isEqualTo(siteId);
        assertThat(message.path("subjectEmail").asText()).isEqualTo(email);
        assertThat(message.path("regime").asText()).isEqualTo("GDPR");
        assertThat(message.path("dueOn").asText()).isEqualTo(expectedDue.toString());
        assertThat(Instant.parse(message.path("dueAt").asText()))
                .isEqualTo(expectedDue.plusDays(1).atStartOfDay(LEGAL_ZONE).toInstant());

        Mailbox.Email ack = awaitMail(email, "We received your access request");
        assertThat(ack.text()).contains(expectedDue.format(java.time.format.DateTimeFormatter
                .ofLocalizedDate(java.time.format.FormatStyle.LONG).withLocale(java.util.Locale.ENGLISH)));
        assertThat(ack.html()).contains("<a href=");

        // The person's status link from the acknowledgement.
        HttpResponse<String> status = http("GET", pathOf(find(STATUS_LINK, ack.text())), null, "accept", "application/json");
        assertThat(status.statusCode()).isEqualTo(200);
        // The request processor found nothing about this new address anywhere: completed, and the person told so.
        assertThat(json(status).path("status").asText()).isEqualTo("completed");
        assertThat(json(status).path("dueOn").asText()).isEqualTo(expectedDue.toString());
        assertThat(awaitMail(email, "We hold no personal data about you").text()).contains(requestId);

        Map<String, AttributeValue> verified = storedItem(requestId);
        assertThat(verified.get("retentionRule").s()).isEqualTo("request_record_24m");
        assertThat(verified.get("audit").l()).extracting(a -> a.m().get("action").s())
                .containsSubsequence("receive", "verify", "start_fulfilment", "complete");
    }

    @Test
    void shouldSendLocalizedVerificationEmail() {
        String email = address("zoe");

        assertThat(submit("erasure", email, "de-DE", randomIp()).statusCode()).isEqualTo(202);

        Mailbox.Email mail = awaitMail(email, "Bitte bestätigen Sie Ihre Anfrage (Löschung)");
        assertThat(mail.text()).contains("läuft in 72 Stunden ab");
    }

    @Test
    void shouldSaySecondClickIsAlreadyVerified_withoutSendingAnything() {
        String email = address("bob");
        assertThat(submit("erasure", email, null, randomIp()).statusCode()).isEqualTo(202);
        String link = find(VERIFY_LINK, awaitMail(email, "Please confirm").text());
        Confirmation first = confirmLink(link);
        assertThat(first.confirmed().statusCode()).isEqualTo(200);
        awaitMail(email, "We received your");

        HttpResponse<String> replay = http("GET", pathOf(link), null);
        HttpResponse<String> replayedPost = submitForm(first.page(), "origin", publicOrigin());

        assertThat(replay.statusCode()).isEqualTo(409);
        assertThat(replay.body()).contains("already confirmed").doesNotContain("Exception");
        assertThat(replayedPost.statusCode()).isEqualTo(409);
        assertThat(replayedPost.body()).contains("already confirmed");
        // The processor may already have answered the erasure; the replayed click itself sends nothing.
        assertThat(stack.mailbox().to(email)).extracting(Mailbox.Email::subject)
                .filteredOn(subject -> subject.startsWith("Please confirm") || subject.startsWith("We received your"))
                .hasSize(2);
    }

    @Test
    void shouldShowInvalidLinkPage_forForgedTokenOrUnknownRequest() {
        String email = address("eve");
        assertThat(submit("access", email, null, randomIp()).statusCode()).isEqualTo(202);
        String link = find(VERIFY_LINK, awaitMail(email, "Please confirm").text());
        String forged = link.replaceAll("token=[A-Za-z0-9_-]+", "token=" + "A".repeat(43));

        HttpResponse<String> forgedClick = http("GET", pathOf(forged), null);
        HttpResponse<String> unknown = http("GET", "/v1/requests/00000000-0000-0000-0000-000000000000/verify?token=x", null);

        assertThat(forgedClick.statusCode()).isEqualTo(404);
        assertThat(forgedClick.body()).contains("not valid").doesNotContain("Exception");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo(forgedClick.body());
        // The real link still works: a forged click consumed nothing.
        assertThat(confirmLink(link).confirmed().statusCode()).isEqualTo(200);
    }

    @Test
    void shouldShowExpiredPage_onceTheLinkHasExpired() {
        String email = address("old");
        assertThat(submit("access", email, null, randomIp()).statusCode()).isEqualTo(202);
        String link = find(VERIFY_LINK, awaitMail(email, "Please confirm").text());
        URI uri = URI.create(link);
        Matcher m = VERIFY_LINK.matcher(link);
        assertThat(m.find()).isTrue();
        // The same function against the same tables, 73 hours later.
        RequestsApiHandler later = new RequestsApiHandler(stack.functions().env("RequestsApiFunction"),
                Clock.offset(Clock.systemUTC(), Duration.ofHours(73)));
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey("GET /v1/requests/{requestId}/verify");
        event.setRawPath(uri.getRawPath());
        event.setPathParameters(Map.of("requestId", m.group(1)));
        Map<String, String> query = new java.util.HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        event.setQueryStringParameters(query);

        APIGatewayV2HTTPResponse expired = later.handleRequest(event, null);

        assertThat(expired.getStatusCode()).isEqualTo(410);
        assertThat(expired.getBody()).contains("expired").contains("submit your request again");
    }

    @Test
    void shouldAnswerTheSameForKnownAndUnknownAddresses() {
        String known = address("known");
        verifiedRequest(known, "access");
        String unknown = address("never-seen");

        HttpResponse<String> forKnown = submit("access", known, null, randomIp());
        HttpResponse<String> forUnknown = submit("access", unknown, null, randomIp());

        assertThat(forKnown.statusCode()).isEqualTo(202).isEqualTo(forUnknown.statusCode());
        assertThat(forKnown.body()).isEqualTo(forUnknown.body());
        assertThat(forKnown.headers().map().keySet()).isEqualTo(forUnknown.headers().map().keySet());
        assertThat(forKnown.body()).doesNotContain(known).doesNotContain("requestId");
    }

    @Test
    void shouldRateLimitPerAddress_with429AndRetryAfter() {
        String email = address("busy");
        for (int i = 0; i < 5; i++) {
            assertThat(submit("access", email, null, randomIp()).statusCode()).isEqualTo(202);
        }

        HttpResponse<String> sixth = submit("access", email, null, randomIp());

        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(json(sixth).at("/error/code").asText()).isEqualTo("too_many_requests");
        assertThat(sixth.headers().firstValue("retry-after")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 3600));
        // Another address from the same network is not affected.
        assertThat(submit("access", address("calm"), null, randomIp()).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldRateLimitPerIp() {
        String ip = randomIp();
        for (int i = 0; i < 30; i++) {
            assertThat(submit("access", address("ip" + i), null, ip).statusCode()).isEqualTo(202);
        }

        assertThat(submit("access", address("ip-last"), null, ip).statusCode()).isEqualTo(429);
        assertThat(submit("access", address("ip-other"), null, randomIp()).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldExtendWithReason_emailThePerson_andRecordTheAuditTrail() {
        String email = address("ext");
        // Rectification without changes: the processor routes it to operators and it stays open.
        String requestId = verifiedRequest(email, "rectification");
        JsonNode message = awaitProcessingMessage(requestId);
        LocalDate receivedOn = LocalDate.ofInstant(Instant.parse(message.path("receivedAt").asText()), LEGAL_ZONE);

        JsonNode refused = operator(Map.of("action", "extend", "requestId", requestId, "operator", "alice", "months", 2));
        JsonNode tooLong = operator(Map.of("action", "extend", "requestId", requestId, "operator", "alice", "months", 3,
                "reason", "a lot of data"));
        JsonNode extended = operator(Map.of("action", "extend", "requestId", requestId, "operator", "alice", "months", 2,
                "reason", "Twelve years of records across four systems."));

        assertThat(refused.at("/error/code").asText()).isEqualTo("reason_required");
        assertThat(tooLong.at("/error/code").asText()).isEqualTo("extension_too_long");
        assertThat(extended.path("dueOn").asText()).isEqualTo(receivedOn.plusMonths(3).toString());
        assertThat(extended.path("noticeQueued").asBoolean()).isTrue();
        Mailbox.Email notice = awaitMail(email, "More time is needed");
        assertThat(notice.text()).contains("Twelve years of records across four systems.");

        JsonNode completed = operator(Map.of("action", "complete", "requestId", requestId, "operator", "bob",
                "note", "Your export was sent."));
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        awaitMail(email, "is complete");
        JsonNode again = operator(Map.of("action", "reject", "requestId", requestId, "operator", "bob", "reason", "x"));
        assertThat(again.at("/error/code").asText()).isEqualTo("invalid_state");

        JsonNode audit = operator(Map.of("action", "status", "requestId", requestId)).path("audit");
        assertThat(audit).extracting(a -> a.path("action").asText())
                .containsSubsequence("receive", "verify", "start_fulfilment", "route_to_operator", "extend", "complete");
        JsonNode extend = java.util.stream.StreamSupport.stream(audit.spliterator(), false)
                .filter(a -> a.path("action").asText().equals("extend")).findFirst().orElseThrow();
        assertThat(extend.path("actor").asText()).isEqualTo("alice");
        assertThat(extend.path("why").asText()).contains("Twelve years");
        JsonNode complete = audit.get(audit.size() - 1);
        assertThat(complete.path("action").asText()).isEqualTo("complete");
        assertThat(complete.path("from").asText()).isEqualTo("in_progress");
        assertThat(complete.path("to").asText()).isEqualTo("completed");
        assertThat(complete.path("at").asText()).isNotBlank();
    }

    @Test
    void shouldRejectWithReason_andEmailIt() {
        String email = address("rej");
        // Rectification without changes stays open (routed to operators) once the processor has seen it.
        String requestId = verifiedRequest(email, "rectification");
        awaitProcessingMessage(requestId);

        JsonNode noReason = operator(Map.of("action", "reject", "requestId", requestId, "operator", "alice"));
        JsonNode rejected = operator(Map.of("action", "reject", "requestId", requestId, "operator", "alice",
                "reason", "We could not link this address to any account."));

        assertThat(noReason.at("/error/fields/reason").asText()).isNotBlank();
        assertThat(rejected.path("status").asText()).isEqualTo("rejected");
        assertThat(stack.mailbox().awaitEmail(e -> e.isAddressedTo(email) && e.subject().equals("Your rectification request"), MAIL_WAIT).text())
                .contains("We could not link this address to any account.");
    }

    @Test
    void shouldRemindOperatorsBeforeTheDeadline_andFlagOverdue() {
        String requestId = verifiedRequest(address("late"), "rectification");
        awaitProcessingMessage(requestId);
        String operatorEmail = stack.functions().env("DeadlineReminderFunction").require("OPERATOR_EMAIL");

        // The scheduled function as it will run 27 days and then 40 days from now.
        new DeadlineReminderHandler(stack.functions().env("DeadlineReminderFunction"),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(27))).handleRequest(Map.of(), null);
        Mailbox.Email soon = stack.mailbox().awaitEmail(e -> e.isAddressedTo(operatorEmail)
                && e.subject().contains(requestId) && e.subject().contains("due in"), MAIL_WAIT);
        assertThat(soon.text()).contains(requestId);

        Map<String, Object> sweep = new DeadlineReminderHandler(stack.functions().env("DeadlineReminderFunction"),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(40))).handleRequest(Map.of(), null);
        assertThat((Integer) sweep.get("overdue")).isGreaterThanOrEqualTo(1);
        stack.mailbox().awaitEmail(e -> e.isAddressedTo(operatorEmail) && e.subject().contains(requestId)
                && e.subject().contains("OVERDUE"), MAIL_WAIT);
        JsonNode audit = operator(Map.of("action", "status", "requestId", requestId)).path("audit");
        assertThat(audit).extracting(a -> a.path("action").asText()).contains("flag_overdue");
    }
}
