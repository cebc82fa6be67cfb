package io.privacysuite.incidents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ConsoleActions;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Operator actions on personal-data breaches, from the Lambda console with the test events in {@code events/incidents/}:
 * {@code openIncident}, {@code amendIncident}, {@code incident} (with its clock and audit trail), {@code breachRegister},
 * {@code draftAuthorityNotification}, {@code recordAuthorityNotification}, {@code notifyAffected} (the notice to the
 * people affected, fanned out to an audience) and {@code noticeProgress} (queued, sent, suppressed, failed).
 */
public final class IncidentsAdminHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ConsoleActions actions;

    public IncidentsAdminHandler() {
        this(Env.system());
    }

    public IncidentsAdminHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    public IncidentsAdminHandler(Env env, Clock clock) {
        this(new IncidentService(storeFrom(env, clock), clock), noticesFrom(env, clock));
    }

    public IncidentsAdminHandler(IncidentService incidents, BreachNotices notices) {
        this.actions = new ConsoleActions("incidents_admin")
                .on("openIncident", input -> view(incidents, incidents.open(input), false))
                .on("amendIncident", input -> view(incidents, incidents.amend(input), false))
                .on("incident", input -> view(incidents, incidents.get(input), true))
                .on("breachRegister", input -> register(incidents))
                .on("draftAuthorityNotification", incidents::draft)
                .on("recordAuthorityNotification",
                        input -> view(incidents, incidents.recordAuthorityNotification(input), false))
                .on("notifyAffected", notices::start)
                .on("noticeProgress", notices::progress);
    }

    static BreachNotices noticesFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        return new BreachNotices(storeFrom(env, clock), NoticeFanOutHandler.audiencesFrom(env, aws),
                new SqsPageQueue(aws.build(SqsClient.builder(), "SQS"), env.require("NOTICE_FANOUT_QUEUE_URL")),
                new DynamoDbEmailPreferences(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                        env.require("EMAIL_PREFERENCES_TABLE"), RetentionPolicy.from(env)), clock);
    }

    static IncidentStore storeFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        return new DynamoDbIncidentStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                env.require("INCIDENTS_TABLE"), RetentionPolicy.from(env), clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return actions.handle(event, context);
    }

    static Map<String, Object> view(IncidentService incidents, Incident incident, boolean withTrail) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incidentId", incident.incidentId());
        out.put("version", incident.version());
        out.put("openedAt", incident.openedAt().toString());
        out.put("openedBy", incident.openedBy());
        out.put("details", details(incident.details()));
        out.put("clock", incidents.clockOf(incident));
        out.put("remindersSent", incident.remindersSent());
        Incident.AuthorityNotification n = incident.authorityNotification();
        if (n != null) {
            Map<String, Object> notified = new LinkedHashMap<>();
            notified.put("notifiedAt", n.notifiedAt().toString());
            notified.put("reference", n.reference());
            notified.put("recordedBy", n.recordedBy());
            notified.put("recordedAt", n.recordedAt().toString());
            if (n.lateReasons() != null) {
                notified.put("lateReasons", n.lateReasons());
            }
            out.put("authorityNotification", notified);
        }
        if (withTrail) {
            out.put("audit", incidents.trail(incident.incidentId()).stream().map(c -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("at", c.at().toString());
                entry.put("actor", c.actor());
                entry.put("action", c.action());
                entry.put("what", c.what());
                return entry;
            }).toList());
        }
        return out;
    }

    /** The console's JSON of the details (instants as ISO strings, numbers as numbers). */
    private static Map<String, Object> details(Incident.Details d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("awareAt", d.awareAt().toString());
        out.put("title", d.title());
        out.put("nature", d.nature());
        out.put("dataCategories", d.dataCategories());
        out.put("subjectCategories", d.subjectCategories());
        out.put("approxSubjects", d.approxSubjects());
        out.put("approxRecords", d.approxRecords());
        out.put("consequences", d.consequences());
        out.put("measures", d.measures());
        out.put("contact", d.contact());
        out.put("highRisk", d.highRisk());
        return out;
    }

    private static Map<String, Object> register(IncidentService incidents) {
        List<Map<String, Object>> rows = incidents.register().stream().map(i -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("incidentId", i.incidentId());
            row.put("title", i.details().title());
            row.put("awareAt", i.details().awareAt().toString());
            row.put("approxSubjects", i.details().approxSubjects());
            row.put("highRisk", i.details().highRisk());
            row.put("clock", incidents.clockOf(i));
            return row;
        }).toList();
        return Map.of("incidents", rows, "count", rows.size());
    }
}
