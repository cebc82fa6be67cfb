package io.privacysuite.core;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * CloudWatch metrics as embedded-metric-format log lines (namespace {@value #NAMESPACE}, dimension {@code Stage}):
 * CloudWatch extracts them from the function's log, so no metrics library, client call or permission is needed.
 * Only the names below are emitted; the template's dashboard and alarms may use only these (a test checks it).
 */
public final class Metrics {
    public static final String NAMESPACE = "PrivacySuite";

    /** Every metric the suite emits, and who emits it. */
    public enum Name {
        /** Consent API: a new consent version was stored (record, change or withdrawal). */
        ConsentsRecorded,
        /** Consent API: a write was refused by a rate limit. */
        ConsentWritesLimited,
        /** Deadline reminder (hourly): open and overdue data subject requests. */
        OpenRequests, OverdueRequests,
        /** Processor or operator: a request closed after its due date. */
        RequestsClosedLate,
        /** Notifier: emails sent, refused by the suppression list or opt-outs, failed (retried). */
        EmailsSent, EmailsSuppressed, EmailsFailed,
        /** Notifier: a message that can never be sent, recorded failed once and not retried. */
        NotificationsUndeliverable,
        /** Retention: items DynamoDB TTL deleted (from the streams) and deletion receipts written. */
        TtlDeletions, DeletionReceipts,
        /** Breach clock (hourly): incidents whose authority notification is still to be recorded, and those past 72 h. */
        OpenIncidents, BreachNotificationsOverdue,
        /** Notice fan-out: notices queued for people; the notifier's outcomes for them (sent, suppressed, failed). */
        NoticesQueued, NoticesSent, NoticesSuppressed, NoticesFailed
    }

    private final String stage;
    private final PrintStream out;
    private final Clock clock;

    public Metrics(String stage, PrintStream out, Clock clock) {
        this.stage = stage;
        this.out = out;
        this.clock = clock;
    }

    /** Standard output, where Lambda's log capture (and so EMF extraction) reads. */
    public static Metrics from(Env env) {
        return new Metrics(env.get("STAGE", "dev"), System.out, Clock.systemUTC());
    }

    /** One line with all these values (zeros included, so a quiet period shows as 0, not as missing data). */
    public void emit(Map<Name, ? extends Number> values) {
        if (!values.isEmpty()) {
            out.println(line(values));
        }
    }

    /** One occurrence of {@code name}. */
    public void count(Name name) {
        emit(Map.of(name, 1));
    }

    /**
     * The line {@link #emit} prints. Built as a JSON tree: serializing maps and lists would make Jackson introspect
     * their classes on a function's first write, a cold-start cost for one log line.
     */
    public String line(Map<Name, ? extends Number> values) {
        ObjectNode document = Json.object();
        ObjectNode aws = document.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode definition = aws.putArray("CloudWatchMetrics").addObject();
        definition.put("Namespace", NAMESPACE);
        definition.putArray("Dimensions").addArray().add("Stage");
        ArrayNode metrics = definition.putArray("Metrics");
        values.keySet().forEach(name -> metrics.addObject().put("Name", name.name()).put("Unit", "Count"));
        document.put("Stage", stage);
        values.forEach((name, value) -> {
            switch (value) {
                case Integer i -> document.put(name.name(), i);
                case Long l -> document.put(name.name(), l);
                case Short s -> document.put(name.name(), s);
                case Byte b -> document.put(name.name(), b.intValue());
                case java.math.BigDecimal d -> document.put(name.name(), d);
                case java.math.BigInteger b -> document.put(name.name(), b);
                case Float f -> document.put(name.name(), f);
                default -> document.put(name.name(), value.doubleValue());
            }
        });
        return Json.write(document);
    }
}
