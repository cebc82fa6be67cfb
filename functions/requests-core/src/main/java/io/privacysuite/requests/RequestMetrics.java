package io.privacysuite.requests;

import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request metrics as CloudWatch embedded-metric-format lines on stdout (namespace {@code PrivacySuite}, dimension
 * {@code Stage}): no metrics library, no API call. {@code OverdueRequests} and {@code OpenRequests} come from the
 * hourly deadline sweep; {@code RequestsClosedLate} from whoever closes a request after its due date.
 */
public final class RequestMetrics {
    public static final String NAMESPACE = "PrivacySuite";

    private final String stage;
    private final Clock clock;
    private final PrintStream out;

    public RequestMetrics(String stage, Clock clock, PrintStream out) {
        this.stage = stage;
        this.clock = clock;
        this.out = out;
    }

    public static RequestMetrics from(Env env, Clock clock) {
        return new RequestMetrics(env.get("STAGE", "dev"), clock, System.out);
    }

    /** One EMF line with these counts. */
    public String emf(Map<String, ? extends Number> counts) {
        List<Map<String, String>> definitions = new ArrayList<>();
        counts.keySet().forEach(name -> definitions.add(Map.of("Name", name, "Unit", "Count")));
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("_aws", Map.of("Timestamp", clock.millis(), "CloudWatchMetrics", List.of(Map.of(
                "Namespace", NAMESPACE, "Dimensions", List.of(List.of("Stage")), "Metrics", definitions))));
        metric.put("Stage", stage);
        metric.putAll(counts);
        return Json.write(metric);
    }

    public void emit(Map<String, ? extends Number> counts) {
        out.println(emf(counts));
    }

    /** Counts a request that was just closed, if it was closed after its due date. */
    public void closed(DsarRequest request) {
        if (request.closedLate()) {
            emit(Map.of("RequestsClosedLate", 1));
        }
    }
}
