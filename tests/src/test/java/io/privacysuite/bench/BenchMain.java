package io.privacysuite.bench;

import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.LocalSuiteOptions;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmarks, not tests: they print figures and assert nothing about speed. Run with
 * {@code ./mvnw -B -q -DskipTests -Pbench -pl tests -am verify} (all) or add
 * {@code -Dbench=consent,requests,retention,export,fanout,coldstart,artifacts,shards,soak}.
 */
public final class BenchMain {
    public static void main(String[] args) throws Exception {
        List<String> selected = Arrays.asList(System.getProperty("bench", "all").split(","));
        int status = 1;
        try (LocalSuite stack = LocalSuite.start(LocalSuiteOptions.defaults().httpPort(0))) {
            if (selected.contains("all") || selected.contains("consent")) {
                ConsentBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("requests")) {
                RequestsBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("retention")) {
                RetentionBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("export")) {
                ExportBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("fanout")) {
                FanOutBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("coldstart")) {
                ColdStartBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("artifacts")) {
                ArtifactBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("shards")) {
                ShardBench.run(stack);
            }
            if (selected.contains("all") || selected.contains("soak")) {
                SoakBench.run(stack);
            }
            status = 0;
        } finally {
            // The stack's pollers are not daemons: exit explicitly, also when a benchmark failed.
            System.exit(status);
        }
    }
}
