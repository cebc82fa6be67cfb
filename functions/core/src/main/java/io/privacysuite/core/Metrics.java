package io.privacysuite.core;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    /** The line {@link #emit} prints. */
    public String line(Map<Name, ? extends Number> values) {
        List<Map<String, String>> definitions = new ArrayList<>();
        values.keySet().forEach(name -> {
            Map<String, String> definition = new LinkedHashMap<>();
            definition.put("Name", name.name());
            definition.put("Unit", "Count");
            definitions.add(definition);
        });
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(Map.of(
                "Namespace", NAMESPACE,
                "Dimensions", List.of(List.of("Stage")),
                "Metrics", definitions))));
        document.put("Stage", stage);
        values.forEach((name, value) -> document.put(name.name(), value));
        return Json.write(document);
    }
}
