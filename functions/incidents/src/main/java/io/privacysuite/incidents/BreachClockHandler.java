package io.privacysuite.incidents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.privacysuite.core.Env;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.aws.AwsClients;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Scheduled (EventBridge {@code rate(1 hour)}): runs {@link BreachClock} and emits {@code OpenIncidents} and
 * {@code BreachNotificationsOverdue} (alarmed in the template: an authority notification not recorded 72 hours
 * after awareness).
 */
public final class BreachClockHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final BreachClock breachClock;
    private final Metrics metrics;

    public BreachClockHandler() {
        this(Env.system());
    }

    public BreachClockHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    public BreachClockHandler(Env env, Clock clock) {
        this(breachClockFrom(env, clock), new Metrics(env.get("STAGE", "dev"), System.out, clock));
    }

    public static BreachClock breachClockFrom(Env env, Clock clock) {
        return new BreachClock(IncidentsAdminHandler.storeFrom(env, clock),
                new SqsNotificationSender(new AwsClients(env).build(SqsClient.builder(), "SQS"),
                        env.require("NOTIFICATIONS_QUEUE_URL")),
                env.require("OPERATOR_EMAIL"), clock);
    }

    public BreachClockHandler(BreachClock breachClock, Metrics metrics) {
        this.breachClock = breachClock;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        BreachClock.Sweep sweep = breachClock.run();
        Map<Metrics.Name, Integer> values = new LinkedHashMap<>();
        values.put(Metrics.Name.OpenIncidents, sweep.open());
        values.put(Metrics.Name.BreachNotificationsOverdue, sweep.overdue());
        metrics.emit(values);
        Log.of(context).info("breach_clock", "open", sweep.open(), "overdue", sweep.overdue(), "reminders",
                sweep.remindersSent(), "failures", sweep.failures());
        if (sweep.failures() > 0) {
            // Fail the invocation so the error alarm notices; what succeeded is recorded already.
            throw new IllegalStateException(sweep.failures() + " incident(s) could not be processed in this sweep");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("open", sweep.open());
        out.put("overdue", sweep.overdue());
        out.put("remindersSent", sweep.remindersSent());
        return out;
    }
}
