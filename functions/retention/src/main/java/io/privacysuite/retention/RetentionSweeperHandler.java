package io.privacysuite.retention;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.privacysuite.core.Env;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Scheduled: deletes what TTL has left behind longer than the grace (see {@link Sweeper}). */
public final class RetentionSweeperHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** Stop starting pages when less than this is left of the invocation, so a run ends cleanly. */
    static final Duration RESERVE = Duration.ofSeconds(30);
    private final RetentionServices services;
    private final Metrics metrics;

    public RetentionSweeperHandler() {
        this(Env.system());
    }

    public RetentionSweeperHandler(Env env) {
        this(RetentionServices.from(env), Metrics.from(env));
    }

    public RetentionSweeperHandler(RetentionServices services) {
        this(services, Metrics.from(Env.of(Map.of())));
    }

    public RetentionSweeperHandler(RetentionServices services, Metrics metrics) {
        this.services = services;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Log log = Log.of(context);
        Sweeper.Result result = services.sweeper().sweep(services.clock().instant(),
                () -> context == null || context.getRemainingTimeInMillis() > RESERVE.toMillis());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cutoff", result.cutoff().toString());
        Map<String, Integer> erased = new LinkedHashMap<>();
        result.erased().forEach((source, n) -> erased.put(source.logicalName(), n));
        out.put("erased", erased);
        out.put("skippedHeld", result.skippedHeld());
        out.put("complete", result.complete());
        // Each item the sweeper erases gets its deletion receipt, as a TTL deletion does.
        metrics.emit(Map.of(Metrics.Name.DeletionReceipts, erased.values().stream().mapToInt(Integer::intValue).sum()));
        log.info("sweep_done", "consents", erased.getOrDefault("consents", 0), "sites", erased.getOrDefault("sites", 0),
                "accounts", erased.getOrDefault("accounts", 0), "skippedHeld", result.skippedHeld(),
                "complete", result.complete());
        return out;
    }
}
