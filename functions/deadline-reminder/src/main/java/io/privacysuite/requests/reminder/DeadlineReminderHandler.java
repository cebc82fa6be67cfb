package io.privacysuite.requests.reminder;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.privacysuite.core.Env;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.requests.Dispatcher;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.SqsOutbox;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Scheduled (EventBridge {@code rate(1 hour)}): runs {@link DeadlineReminders} and prints the counts as an
 * embedded-metric-format line, so CloudWatch gets {@code PrivacySuite/OverdueRequests} (alarmed in the
 * template) and {@code OpenRequests} without a metrics library. The input is the EventBridge event as a map
 * (the events library's ScheduledEvent needs Joda-Time, which the artifacts leave out).
 */
public final class DeadlineReminderHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final DeadlineReminders reminders;
    private final String stage;
    private final Clock clock;

    public DeadlineReminderHandler() {
        this(Env.system());
    }

    public DeadlineReminderHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    public DeadlineReminderHandler(Env env, Clock clock) {
        this(remindersFrom(env, clock), env.get("STAGE", "dev"), clock);
    }

    public DeadlineReminderHandler(DeadlineReminders reminders, String stage, Clock clock) {
        this.reminders = reminders;
        this.stage = stage;
        this.clock = clock;
    }

    static DeadlineReminders remindersFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        RequestStore store = new DynamoDbRequestStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                env.require("REQUESTS_TABLE"), RetentionPolicy.from(env));
        Outbox outbox = new SqsOutbox(aws.build(SqsClient.builder(), "SQS"), env.require("NOTIFICATIONS_QUEUE_URL"),
                env.require("PROCESSING_QUEUE_URL"));
        return new DeadlineReminders(store, outbox,
                new Dispatcher(store, outbox, io.privacysuite.core.http.PublicBaseUrl.from(env), clock),
                env.require("OPERATOR_EMAIL"), clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Log log = Log.of(context);
        DeadlineReminders.Sweep sweep = reminders.run();
        System.out.println(emf(sweep));
        log.info("deadline_sweep", "open", sweep.open(), "overdue", sweep.overdue(), "reminders",
                sweep.remindersSent(), "redispatched", sweep.redispatched(), "failures", sweep.failures());
        if (sweep.failures() > 0) {
            // Fail the invocation so the error metric and retries notice; what succeeded is recorded already.
            throw new IllegalStateException(sweep.failures() + " request(s) could not be processed in this sweep");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("open", sweep.open());
        out.put("overdue", sweep.overdue());
        out.put("remindersSent", sweep.remindersSent());
        out.put("redispatched", sweep.redispatched());
        return out;
    }

    String emf(DeadlineReminders.Sweep sweep) {
        Map<Metrics.Name, Integer> values = new LinkedHashMap<>();
        values.put(Metrics.Name.OverdueRequests, sweep.overdue());
        values.put(Metrics.Name.OpenRequests, sweep.open());
        return new Metrics(stage, System.out, clock).line(values);
    }
}
