package io.privacysuite.local.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.privacysuite.local.emulators.LocalAwsClients;
import io.privacysuite.local.runtime.FunctionInvoker;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.runtime.LocalFunction;
import io.privacysuite.local.runtime.LocalFunctions;
import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.template.LocalResources;
import io.privacysuite.local.template.Props;
import io.privacysuite.local.template.TemplateResolver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

/**
 * The functions' non-HTTP triggers: SQS and DynamoDB stream pollers and Schedule rules. Schedules with a
 * {@code rate(...)} run periodically; any schedule can be fired on demand with {@link #triggerSchedule(String)}.
 */
public final class EventSources implements AutoCloseable {
    private static final LocalLog LOG = LocalLog.get(EventSources.class);
    private static final Pattern RATE = Pattern.compile("rate\\(\\s*(\\d+)\\s+(minute|minutes|hour|hours|day|days)\\s*\\)");
    /** Lambda's default is to retry until the records expire; locally a stuck shard helps nobody. */
    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 3;

    private final List<PollerThread> pollers = new ArrayList<>();
    private final Map<String, List<Schedule>> schedules = new LinkedHashMap<>();
    private final List<String> descriptions = new ArrayList<>();
    private final ScheduledExecutorService timer;

    private record Schedule(String functionId, String eventName, String expression, Map<String, Object> event,
                            FunctionInvoker invoker) {
        Object fire() {
            Map<String, Object> payload = new LinkedHashMap<>(event);
            if (payload.containsKey("detail-type") && "Scheduled Event".equals(payload.get("detail-type"))) {
                payload.put("id", UUID.randomUUID().toString());
                payload.put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            }
            return invoker.invoke(payload);
        }
    }

    private EventSources() {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "schedules");
            t.setDaemon(true);
            return t;
        });
    }

    /** Creates and starts a poller or timer for every SQS, DynamoDB and Schedule event of every function. */
    public static EventSources start(LocalFunctions functions, LocalResources resources, TemplateResolver resolver,
                                     LocalAwsClients clients, String region) {
        EventSources sources = new EventSources();
        try {
            for (LocalFunction function : functions.all()) {
                for (LocalFunction.Event event : function.events()) {
                    sources.add(function, event, resources, resolver, clients, region);
                }
            }
        } catch (RuntimeException e) {
            sources.close();
            throw e;
        }
        sources.pollers.forEach(PollerThread::start);
        return sources;
    }

    /** One line per trigger, for banners and logs. */
    public List<String> describe() {
        return List.copyOf(descriptions);
    }

    /**
     * Fires every Schedule event of the function now, synchronously, and returns the last output. Tests use it
     * instead of waiting for a rate.
     */
    public Object triggerSchedule(String functionLogicalId) {
        List<Schedule> list = schedules.get(functionLogicalId);
        if (list == null || list.isEmpty()) {
            throw new IllegalArgumentException(functionLogicalId + " has no Schedule event");
        }
        Object last = null;
        for (Schedule schedule : list) {
            last = schedule.fire();
        }
        return last;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pollers.forEach(PollerThread::stop); // flag all first so they wind down in parallel
        long deadline = System.currentTimeMillis() + 1_500;
        for (PollerThread poller : pollers) {
            poller.awaitStop(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }

    private void add(LocalFunction function, LocalFunction.Event event, LocalResources resources, TemplateResolver resolver,
                     LocalAwsClients clients, String region) {
        String label = function.logicalId() + "." + event.name();
        FunctionInvoker invoker = function::invoke;
        switch (event.type()) {
            case "SQS" -> {
                Map<String, Object> p = Props.map(resolver.resolve(event.properties()));
                if (!Props.bool(p, "Enabled", true)) {
                    return;
                }
                String arn = Props.string(p, "Queue").orElseThrow(() -> new IllegalStateException(label + " has no Queue"));
                String url = resources.queueUrlForArn(arn)
                        .orElseThrow(() -> new IllegalStateException(label + ": queue " + arn + " is not in the template"));
                SqsPoller poller = new SqsPoller(label, clients.sqs(), url, arn, Props.integer(p, "BatchSize").orElse(10),
                        reportsFailures(p), region, invoker);
                pollers.add(poller);
                descriptions.add(label + ": SQS " + arn.substring(arn.lastIndexOf(':') + 1));
            }
            case "DynamoDB" -> {
                Map<String, Object> p = Props.map(resolver.resolve(event.properties()));
                if (!Props.bool(p, "Enabled", true)) {
                    return;
                }
                String streamArn = Props.string(p, "Stream").orElseThrow(() -> new IllegalStateException(label + " has no Stream"));
                Optional<String> onFailure = Props.string(Props.map(Props.map(Props.map(p, "DestinationConfig"), "OnFailure")), "Destination");
                Optional<String> onFailureUrl = onFailure.flatMap(resources::queueUrlForArn);
                if (onFailure.isPresent() && onFailureUrl.isEmpty()) {
                    LOG.warn("%s: OnFailure destination %s is not an SQS queue of the template; failures are only logged", label, onFailure.get());
                }
                int retries = Props.integer(p, "MaximumRetryAttempts").orElse(DEFAULT_MAXIMUM_RETRY_ATTEMPTS);
                DynamoDbStreamPoller.Config config = new DynamoDbStreamPoller.Config(streamArn,
                        ShardIteratorType.fromValue(Props.string(p, "StartingPosition").orElse("LATEST")),
                        Props.integer(p, "BatchSize").orElse(100),
                        EventFilter.fromCriteria(Props.map(p, "FilterCriteria")),
                        reportsFailures(p), retries < 0 ? Integer.MAX_VALUE : retries,
                        Props.bool(p, "BisectBatchOnFunctionError", false), onFailureUrl, function.functionArn());
                pollers.add(new DynamoDbStreamPoller(label, clients.dynamoDbStreams(), clients.sqs(), config, region, invoker));
                descriptions.add(label + ": DynamoDB stream " + streamArn);
            }
            case "Schedule", "ScheduleV2" -> addSchedule(function, event, resolver, region, label, invoker);
            case "HttpApi" -> { /* served by HttpApiServer */ }
            default -> LOG.warn("%s: event type %s is not emulated locally", label, event.type());
        }
    }

    private void addSchedule(LocalFunction function, LocalFunction.Event event, TemplateResolver resolver, String region,
                             String label, FunctionInvoker invoker) {
        Map<String, Object> p = Props.map(resolver.resolve(event.properties()));
        String expression = Props.string(p, "Schedule").or(() -> Props.string(p, "ScheduleExpression")).orElse("");
        boolean enabled = Props.bool(p, "Enabled", true) && !"DISABLED".equals(Props.string(p, "State").orElse("ENABLED"));
        Map<String, Object> payload;
        Optional<String> input = Props.string(p, "Input");
        if (input.isPresent()) {
            try {
                payload = Props.map(LambdaJson.MAPPER.readValue(input.get(), Map.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(label + ": Input is not JSON", e);
            }
        } else {
            payload = new LinkedHashMap<>();
            payload.put("version", "0");
            payload.put("id", "");
            payload.put("detail-type", "Scheduled Event");
            payload.put("source", "aws.events");
            payload.put("account", resolver.accountId());
            payload.put("time", "");
            payload.put("region", region);
            payload.put("resources", List.of("arn:aws:events:" + region + ":" + resolver.accountId() + ":rule/"
                    + function.functionName() + "-" + event.name()));
            payload.put("detail", Map.of());
        }
        Schedule schedule = new Schedule(function.logicalId(), event.name(), expression, payload, invoker);
        schedules.computeIfAbsent(function.logicalId(), k -> new ArrayList<>()).add(schedule);
        Optional<Duration> period = rate(expression);
        if (enabled && period.isPresent()) {
            long millis = period.get().toMillis();
            timer.scheduleAtFixedRate(() -> {
                try {
                    schedule.fire();
                } catch (RuntimeException e) {
                    LOG.warn("%s failed: %s", label, LocalLog.describe(e.getCause() == null ? e : e.getCause()));
                }
            }, millis, millis, TimeUnit.MILLISECONDS);
            descriptions.add(label + ": " + expression);
        } else {
            descriptions.add(label + ": " + expression + " (runs only when triggered)");
        }
    }

    /** {@code rate(5 minutes)} as a Duration; cron expressions are not scheduled locally. */
    static Optional<Duration> rate(String expression) {
        Matcher m = RATE.matcher(expression.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        });
    }

    private static boolean reportsFailures(Map<String, Object> p) {
        return Props.list(p, "FunctionResponseTypes").stream().anyMatch(t -> "ReportBatchItemFailures".equals(String.valueOf(t)));
    }
}
