package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.requests.api.RequestsApiHandler;
import io.privacysuite.requests.operator.RequestsOperatorHandler;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Deadlines and retention counted from the right day: a retained invoice's deletion date from its own date (never
 * lengthening an expiry, never re-arming a parked one), the 30-day regime's due date and extension window, and a
 * request closed after its due date recorded as late whoever closes it.
 */
class RequestDeadlinesIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final ZoneId LEGAL = ZoneId.of("Europe/Brussels");

    String siteId;

    @BeforeEach
    void site() {
        siteId = newSite("dl");
    }

    static void invoice(String email, String id, String invoiceDate, String ttlAttribute, Instant ttl) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of("invoiceId", AttributeValue.fromS(id),
                "customerEmail", AttributeValue.fromS(email), "amount", AttributeValue.fromS("10.00"),
                "invoiceDate", AttributeValue.fromS(invoiceDate)));
        if (ttlAttribute != null) {
            item.put(ttlAttribute, AttributeValue.fromN(Long.toString(ttl.getEpochSecond())));
        }
        stack.awsClients().dynamoDb().putItem(r -> r.tableName(TestBackends.INVOICES_TABLE).item(item));
    }

    static Map<String, AttributeValue> invoice(String id) {
        return stack.awsClients().dynamoDb().getItem(r -> r.tableName(TestBackends.INVOICES_TABLE)
                .key(Map.of("invoiceId", AttributeValue.fromS(id)))).item();
    }

    static long startOf(LocalDate day) {
        return day.atStartOfDay(LEGAL).toEpochSecond();
    }

    @Test
    void shouldKeepAnInvoiceTenFiscalYearsFromItsOwnDate_neverLongerThanItsExpiry_andNeverReArmAParkedOne() {
        String email = uniqueId("inv") + "@example.org";
        String prefix = "INV-" + uniqueId("d");
        Instant soon = LocalDate.of(2027, 1, 1).atStartOfDay(LEGAL).toInstant();
        Instant parked = LocalDate.of(2031, 1, 1).atStartOfDay(LEGAL).toInstant();
        invoice(email, prefix + "-2019", "2019-03-15", null, null);
        invoice(email, prefix + "-expiring", "2024-06-01", "expiresAt", soon);
        invoice(email, prefix + "-parked", "2024-06-01", "heldExpiresAt", parked);

        submitAndConfirm("{\"type\":\"erasure\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId + "\"}", email);

        Mailbox.Email done = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.subject().contains("erasure request is complete"), WAIT);
        assertThat(done.text()).contains("2030-01-01");
        Map<String, AttributeValue> old = invoice(prefix + "-2019");
        assertThat(old.get("retainedUntil").s()).isEqualTo("2030-01-01");
        assertThat(Long.parseLong(old.get("expiresAt").n())).isEqualTo(startOf(LocalDate.of(2030, 1, 1)));
        assertThat(old.get("processingRestricted").bool()).isTrue();
        Map<String, AttributeValue> expiring = invoice(prefix + "-expiring");
        assertThat(Long.parseLong(expiring.get("expiresAt").n())).isEqualTo(soon.getEpochSecond());
        Map<String, AttributeValue> held = invoice(prefix + "-parked");
        assertThat(held).doesNotContainKey("expiresAt");
        assertThat(Long.parseLong(held.get("heldExpiresAt").n())).isEqualTo(parked.getEpochSecond());
        assertThat(held.get("processingRestricted").bool()).isTrue();
    }

    // ------------------------------------------------------------------ the legal clock, with other clocks

    static Env apiEnv(Map<String, String> overrides) {
        return stack.functions().env("RequestsApiFunction").with(overrides);
    }

    static APIGatewayV2HTTPEvent event(String routeKey, String rawPath, Map<String, String> pathParameters,
                                       Map<String, String> headers, String body) {
        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        event.setRouteKey(routeKey);
        event.setRawPath(rawPath);
        event.setPathParameters(pathParameters);
        event.setHeaders(headers);
        event.setBody(body);
        event.setRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(routeKey.split(" ")[0])
                        .withSourceIp(DataSubjectRequestIT.randomIp()).build()).withRequestId("it").build());
        return event;
    }

    /** Submits and confirms a request through the requests function running with {@code clock}; returns its id. */
    String receivedWith(RequestsApiHandler api, String type, String email, String extra) {
        APIGatewayV2HTTPResponse accepted = api.handleRequest(event("POST /v1/requests", "/v1/requests", null,
                Map.of("content-type", "application/json"), "{\"type\":\"" + type + "\",\"email\":\"" + email
                        + "\",\"siteId\":\"" + siteId + "\"" + (extra == null ? "" : "," + extra) + "}"), null);
        assertThat(accepted.getStatusCode()).isEqualTo(202);
        String link = DataSubjectRequestIT.find(DataSubjectRequestIT.VERIFY_LINK,
                stack.mailbox().awaitEmailTo(email, WAIT).text());
        Matcher m = DataSubjectRequestIT.VERIFY_LINK.matcher(link);
        assertThat(m.find()).isTrue();
        String token = URI.create(link).getRawQuery().replaceAll(".*token=([^&]+).*", "$1");
        APIGatewayV2HTTPResponse confirmed = api.handleRequest(event("POST /v1/requests/{requestId}/verify",
                "/v1/requests/" + m.group(1) + "/verify", Map.of("requestId", m.group(1)),
                Map.of("content-type", "application/x-www-form-urlencoded", "origin", publicOrigin()),
                "token=" + token), null);
        assertThat(confirmed.getStatusCode()).as(confirmed.getBody()).isEqualTo(200);
        return m.group(1);
    }

    static List<String> auditActions(JsonNode status) {
        List<String> actions = new java.util.ArrayList<>();
        status.path("audit").forEach(a -> actions.add(a.path("action").asText()));
        return actions;
    }

    static Map<String, AttributeValue> stored(String requestId) {
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        return dynamo.getItem(r -> r.tableName(stack.resources().tableName("RequestsTable")).key(Map.of(
                "pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS("REQUEST")))).item();
    }

    @Test
    void shouldDueThe30DayRegimeOnTheEarlierOf30DaysAndACalendarMonth_andExtendOnlyWithinThatMonthFromReceipt() {
        Env env = apiEnv(Map.of("LEGAL_REGIME", "GDPR_30_DAYS"));
        Instant received = LocalDate.of(2027, 1, 31).atTime(10, 0).toInstant(ZoneOffset.UTC);
        RequestsApiHandler api = new RequestsApiHandler(env, Clock.fixed(received, ZoneOffset.UTC));
        String email = uniqueId("thirty") + "@example.org";

        // A field no source can change: the request is routed to operators and stays open.
        String requestId = receivedWith(api, "rectification", email, "\"details\":{\"postalAddress\":\"1 New Street\"}");
        awaitProcessed(requestId);

        // 31 January + 30 days is 2 March; one calendar month is 28 February: the earlier one.
        assertThat(stored(requestId).get("dueOn").s()).isEqualTo("2027-02-28");
        Env operatorEnv = stack.functions().env("RequestsOperatorFunction").with(Map.of("LEGAL_REGIME", "GDPR_30_DAYS"));
        JsonNode late = Json2.tree(new RequestsOperatorHandler(operatorEnv, Clock.fixed(
                LocalDate.of(2027, 3, 1).atTime(9, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
                .handleRequest(Map.of("action", "extend", "requestId", requestId, "operator", "alice", "months", 1,
                        "reason", "many systems"), null));
        assertThat(late.at("/error/code").asText()).isEqualTo("first_period_over");
        JsonNode extended = Json2.tree(new RequestsOperatorHandler(operatorEnv, Clock.fixed(
                LocalDate.of(2027, 2, 20).atTime(9, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
                .handleRequest(Map.of("action", "extend", "requestId", requestId, "operator", "alice", "months", 2,
                        "reason", "many systems"), null));
        // Counted from receipt: at most three months after 31 January.
        assertThat(extended.path("dueOn").asText()).isEqualTo("2027-04-30");
    }

    @Test
    void shouldRecordAClosingAfterTheDueDateAsLate_whetherTheProcessorOrAnOperatorCloses() {
        RequestsApiHandler fortyDaysAgo = new RequestsApiHandler(apiEnv(Map.of()),
                Clock.offset(Clock.systemUTC(), Duration.ofDays(-40)));
        String byProcessor = receivedWith(fortyDaysAgo, "access", uniqueId("late") + "@example.org", null);
        String byOperator = receivedWith(fortyDaysAgo, "rectification", uniqueId("late") + "@example.org",
                "\"details\":{\"postalAddress\":\"1 New Street\"}");

        JsonNode processed = awaitProcessed(byProcessor);
        awaitProcessed(byOperator);
        JsonNode completed = operator(Map.of("action", "complete", "requestId", byOperator, "operator", "bob",
                "note", "done by hand"));

        assertThat(processed.path("status").asText()).isEqualTo("completed");
        assertThat(auditActions(processed)).contains("complete", "closed_late");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("closedLate").asBoolean()).isTrue();
        assertThat(auditActions(operator(Map.of("action", "status", "requestId", byOperator)))).contains("closed_late");
        assertThat(stored(byProcessor).get("closedLate").bool()).isTrue();
        assertThat(stored(byOperator).get("closedLate").bool()).isTrue();
    }

    /** Console handlers answer maps; the tests read them as JSON. */
    static final class Json2 {
        static JsonNode tree(Object value) {
            return io.privacysuite.core.Json.MAPPER.valueToTree(value);
        }
    }
}
