package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Metrics;
import io.privacysuite.fixtures.MutableClock;
import io.privacysuite.incidents.BreachClockHandler;
import io.privacysuite.incidents.IncidentsAdminHandler;
import io.privacysuite.local.emulators.Mailbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The breach register against the local stack with a moved clock: the operator's reminders at 24, 48 and 66 hours
 * (each mailed once however often the clock runs), the overdue metric the alarm watches, a late notification that
 * needs reasons, the authority's draft, and every change in the audit trail, stored under the register's own rule.
 */
class BreachIncidentIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    // Far from the real clock (the real hourly schedule never reminds about these incidents), and days apart from
    // other tests' incidents, so the overdue count moves only with this test's incident.
    final Instant aware = Instant.parse("2031-03-02T09:00:00Z")
            .plus(Duration.ofDays(10L * java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 2000)));
    final MutableClock clock = new MutableClock(aware.plus(Duration.ofMinutes(30)));

    Env env(String function) {
        return stack.functions().env(function);
    }

    JsonNode admin(Map<String, Object> event) {
        return Json.MAPPER.valueToTree(new IncidentsAdminHandler(env("IncidentsAdminFunction"), clock)
                .handleRequest(event, null));
    }

    /** One run of the hourly breach clock at the moved time; returns the metric line's overdue count. */
    long sweep() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new BreachClockHandler(BreachClockHandler.breachClockFrom(env("BreachClockFunction"), clock),
                new Metrics("it", new PrintStream(out, true, StandardCharsets.UTF_8), clock)).handleRequest(Map.of(), null);
        return readLine(out).path("BreachNotificationsOverdue").asLong();
    }

    static JsonNode readLine(ByteArrayOutputStream out) {
        try {
            return Json.read(out.toString(StandardCharsets.UTF_8).strip());
        } catch (Exception e) {
            throw new AssertionError("not an EMF line: " + out, e);
        }
    }

    Map<String, Object> openEvent(String title) {
        return openEvent(title, aware);
    }

    /** An operator's openIncident event with the Art. 33(3) content. */
    static Map<String, Object> openEvent(String title, Instant awareAt) {
        Map<String, Object> event = new HashMap<>();
        event.put("action", "openIncident");
        event.put("operator", "alice");
        event.put("awareAt", awareAt.toString());
        event.put("title", title);
        event.put("nature", "A misconfigured share exposed support tickets.\nFound by an external researcher.");
        event.put("dataCategories", List.of("names", "email addresses"));
        event.put("subjectCategories", List.of("customers"));
        event.put("approxSubjects", 1200);
        event.put("approxRecords", 3400);
        event.put("consequences", "Phishing using ticket details.");
        event.put("measures", "Share closed; access logs reviewed.");
        event.put("contact", "dpo@example.com");
        event.put("highRisk", true);
        return event;
    }

    void at(int hours) {
        clock.set(aware.plus(Duration.ofHours(hours)));
    }

    @Test
    void theClockShouldRemindAt24_48_66Hours_once_raiseTheOverdueMetricAt72_andALateNotificationNeedsReasons() {
        String title = uniqueId("Breach");
        String incidentId = admin(openEvent(title)).path("incidentId").asText();
        String operatorEmail = env("BreachClockFunction").require("OPERATOR_EMAIL");
        java.util.function.Predicate<Mailbox.Email> reminders = e -> e.isAddressedTo(operatorEmail)
                && e.subject().contains(title);

        at(23);
        long before = sweep();
        Map<Integer, Long> overdue = new java.util.TreeMap<>();
        for (int hour : List.of(25, 26, 49, 50, 67, 68, 71)) {
            at(hour);
            overdue.put(hour, sweep());
        }
        List<Mailbox.Email> mails = stack.mailbox().awaitEmails(reminders, 3, WAIT);
        at(73);
        long after72 = sweep();
        sweep();
        mails = stack.mailbox().awaitEmails(reminders, 4, WAIT);

        List<String> subjects = new ArrayList<>(mails.stream().map(Mailbox.Email::subject).sorted().toList());
        assertThat(subjects).hasSize(4);
        assertThat(String.join("\n", subjects)).contains("24h since awareness", "48h since awareness",
                "66h since awareness", "72 HOURS PASSED");
        assertThat(mails.get(0).text()).contains(incidentId, aware.plus(Duration.ofHours(72)).toString());
        assertThat(overdue.values()).allSatisfy(v -> assertThat(v).isEqualTo(before));
        assertThat(after72).isEqualTo(before + 1);

        // Late: the reasons are required, and recorded with the notification.
        Map<String, Object> record = new HashMap<>(Map.of("action", "recordAuthorityNotification",
                "incidentId", incidentId, "operator", "carol", "reference", "AP-2031-77"));
        JsonNode refused = admin(record);
        assertThat(refused.at("/error/status").asInt()).isEqualTo(400);
        assertThat(refused.at("/error/fields/lateReasons").asText()).contains("72 hours");
        JsonNode draft = admin(Map.of("action", "draftAuthorityNotification", "incidentId", incidentId));
        assertThat(draft.path("late").asBoolean()).isTrue();
        assertThat(draft.path("text").asText()).contains(title, "names, email addresses", "1200", "3400",
                "dpo@example.com", "Reasons for the delay");

        record.put("lateReasons", "Forensic analysis needed four days to confirm what was exposed.");
        JsonNode notified = admin(record);
        assertThat(notified.at("/authorityNotification/reference").asText()).isEqualTo("AP-2031-77");
        assertThat(notified.at("/clock/notifiedLate").asBoolean()).isTrue();
        assertThat(sweep()).isEqualTo(before);
        at(80);
        sweep();
        assertThat(stack.mailbox().all().stream().filter(reminders).count()).isEqualTo(4);

        JsonNode incident = admin(Map.of("action", "incident", "incidentId", incidentId));
        List<String> trail = new ArrayList<>();
        incident.path("audit").forEach(a -> trail.add(a.path("actor").asText() + ":" + a.path("action").asText()
                + (a.at("/what/reminder").isMissingNode() ? "" : ":" + a.at("/what/reminder").asText())));
        assertThat(trail).containsExactly("alice:opened", "system:reminder:24h", "system:reminder:48h",
                "system:reminder:66h", "system:reminder:72h", "carol:authority_notified");
        assertThat(incident.at("/audit/5/what/lateReasons").asText()).startsWith("Forensic analysis");
    }

    @Test
    void amendmentsShouldBeAudited_theRegisterListed_andItemsKeptUnderTheBreachRegisterRule() {
        String incidentId = admin(openEvent(uniqueId("Amend"))).path("incidentId").asText();
        clock.set(aware.plus(Duration.ofHours(2)));

        JsonNode amended = admin(Map.of("action", "amendIncident", "incidentId", incidentId, "operator", "bob",
                "approxSubjects", 1500, "highRisk", false));
        JsonNode nothing = admin(Map.of("action", "amendIncident", "incidentId", incidentId, "operator", "bob",
                "approxSubjects", 1500));
        JsonNode hostile = admin(Map.of("action", "amendIncident", "incidentId", incidentId, "operator", "bob",
                "title", "x\u001b[31m", "approxSubjects", "many"));
        JsonNode unknown = admin(Map.of("action", "incident", "incidentId", "not-an-id"));

        assertThat(amended.path("version").asLong()).as(amended.toString()).isEqualTo(2);
        assertThat(amended.at("/details/approxSubjects").asLong()).isEqualTo(1500);
        assertThat(nothing.at("/error/status").asInt()).isEqualTo(400);
        assertThat(hostile.at("/error/fields").fieldNames()).toIterable().containsExactlyInAnyOrder("title",
                "approxSubjects");
        assertThat(unknown.at("/error/status").asInt()).isEqualTo(404);
        JsonNode trail = admin(Map.of("action", "incident", "incidentId", incidentId)).path("audit");
        assertThat(trail).hasSize(2);
        assertThat(trail.get(1).path("actor").asText()).isEqualTo("bob");
        assertThat(trail.get(1).path("what").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("approxSubjects", "highRisk");
        JsonNode register = admin(Map.of("action", "breachRegister"));
        assertThat(register.path("incidents").findValuesAsText("incidentId")).contains(incidentId);

        String table = stack.resources().tableName("IncidentsTable");
        List<Map<String, AttributeValue>> items = stack.awsClients().dynamoDb().query(q -> q.tableName(table)
                .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk",
                        AttributeValue.fromS("INCIDENT#" + incidentId)))).items();
        assertThat(items).hasSize(3).allSatisfy(item -> {
            assertThat(item.get("dataCategory").s()).isEqualTo("breach_record");
            assertThat(item.get("retentionRule").s()).isEqualTo("breach_register_5y");
            assertThat(Long.parseLong(item.get("expiresAt").n())).isEqualTo(
                    aware.plus(Duration.ofMinutes(30)).atOffset(java.time.ZoneOffset.UTC).plusYears(5).toEpochSecond());
        });
    }

    @Test
    void theOverdueAlarmShouldWatchTheClocksMetric_andTheSampleEventsRun() {
        var alarm = io.privacysuite.local.template.Template.fromProject().resource("BreachNotificationOverdueAlarm").orElseThrow();
        assertThat(alarm.properties()).containsEntry("MetricName", "BreachNotificationsOverdue")
                .containsEntry("Namespace", Metrics.NAMESPACE).containsEntry("ComparisonOperator", "GreaterThanThreshold");
        assertThat(String.valueOf(alarm.properties().get("AlarmActions"))).contains("OperatorAlertsTopic");

        JsonNode opened = io.privacysuite.local.runtime.LambdaJson.toTree(stack.functions().invokeEventFile(
                "IncidentsAdminFunction", "events/incidents/open-incident.json"));
        assertThat(opened.path("incidentId").asText()).as(opened.toString()).matches("[0-9a-f-]{36}");
        JsonNode missing = io.privacysuite.local.runtime.LambdaJson.toTree(stack.functions().invokeEventFile(
                "IncidentsAdminFunction", "events/incidents/record-authority-notification.json"));
        assertThat(missing.at("/error/status").asInt()).isEqualTo(404);
        JsonNode scheduled = io.privacysuite.local.runtime.LambdaJson.toTree(stack.functions().invokeEventFile(
                "BreachClockFunction", "events/incidents/breach-clock-scheduled.json"));
        assertThat(scheduled.path("open").asInt()).isPositive();
        JsonNode page = io.privacysuite.local.runtime.LambdaJson.toTree(stack.functions().invokeEventFile(
                "NoticeFanOutFunction", "events/incidents/fanout-page.json"));
        assertThat(page.path("batchItemFailures")).isEmpty();
        assertThat(stack.mailbox().awaitEmailTo("sample-affected@example.org", WAIT).subject())
                .contains("beveiligingsincident");
    }
}
