package io.privacysuite.bench;

import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.template.Template;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Each function zip's size beside its size before per-function dependencies and the target, and which of its jars
 * its handlers really load: every handler of the zip runs in a fresh JVM (the zip first on the classpath, the
 * function's environment from the running stack) on every sample event in {@code events/<module>/}, with a
 * class-load log. A jar never touched there may still be needed on another path; ArtifactContentsTest is the
 * check that nothing reachable was left out.
 */
final class ArtifactBench {
    static final long TARGET_BYTES = 8_000_000;
    /** Zip sizes with the shared dependency set every function had (Secrets Manager, org.crac, the events library). */
    static final Map<String, Long> BEFORE = Map.of("consent-admin", 10_525_429L, "consent-api", 9_751_864L,
            "deadline-reminder", 10_081_080L, "incidents", 14_320_475L, "notifier", 12_199_045L,
            "request-processor", 14_467_447L, "requests-api", 14_431_093L, "requests-operator", 10_085_189L,
            "retention", 9_866_019L);
    private static final Pattern FROM_LIB = Pattern.compile("source: file:.*/lib/([^/]+\\.jar)$");

    static void run(LocalSuite stack) throws Exception {
        Path root = Template.projectRoot();
        Map<String, List<Template.Resource>> byZip = new LinkedHashMap<>();
        for (Template.Resource fn : Template.fromProject().resourcesOfType("AWS::Serverless::Function")) {
            byZip.computeIfAbsent(fn.string("CodeUri").orElseThrow(), z -> new ArrayList<>()).add(fn);
        }
        long before = 0;
        long after = 0;
        for (String codeUri : new TreeSet<>(byZip.keySet())) {
            String module = codeUri.split("/")[1];
            Path zip = root.resolve(codeUri);
            Path unpacked = ColdStartBench.unzip(zip);
            Set<String> jars = new TreeSet<>();
            try (Stream<Path> lib = Files.list(unpacked.resolve("lib"))) {
                lib.forEach(jar -> jars.add(jar.getFileName().toString()));
            }
            List<String> events = new ArrayList<>();
            Path eventDir = root.resolve("events").resolve(module);
            if (Files.isDirectory(eventDir)) {
                try (Stream<Path> files = Files.walk(eventDir)) {
                    files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(f -> events.add(f.toString()));
                }
            }
            Set<String> touched = new TreeSet<>();
            for (Template.Resource fn : byZip.get(codeUri)) {
                String handler = fn.string("Handler").orElseThrow().split("::")[0];
                touched.addAll(loadedJars(stack, fn.logicalId(), handler, unpacked, events));
            }
            Set<String> untouched = new TreeSet<>(jars);
            untouched.removeAll(touched);
            long size = Files.size(zip);
            long was = BEFORE.getOrDefault(module, size);
            before += was;
            after += size;
            System.out.printf("artifact.size: %s %.2f MB, before %.2f MB (target <= %.0f MB); %d jars, %d loaded on "
                    + "%d sample events; never loaded there: %s%n", module, size / 1e6, was / 1e6, TARGET_BYTES / 1e6,
                    jars.size(), touched.size(), events.size(), untouched);
        }
        System.out.printf("artifact.total: %.1f MB, before %.1f MB%n", after / 1e6, before / 1e6);
    }

    private static Set<String> loadedJars(LocalSuite stack, String logicalId, String handler, Path unpacked,
            List<String> events) throws IOException, InterruptedException {
        Path log = Files.createTempFile("class-load-" + logicalId, ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-cp",
                unpacked + File.pathSeparator + unpacked.resolve("lib") + "/*" + File.pathSeparator
                        + System.getProperty("java.class.path"),
                ArtifactProbe.class.getName(), handler));
        command.addAll(events);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(stack.functions().env(logicalId).asMap());
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
        // A process environment is Lambda's to the functions, where emailed links must be https.
        pb.environment().put("PUBLIC_BASE_URL", "https://bench.example");
        Path output = Files.createTempFile("probe-" + logicalId, ".txt");
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        Process process = pb.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(logicalId + " did not finish its sample events in 180 s");
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        Files.delete(output);
        if (process.exitValue() != 0) {
            // The handler could not even be built: what it loaded until then is all this run can tell.
            System.out.printf("artifact.probe: %s failed to start: %s%n", logicalId, lines.stream()
                    .filter(l -> l.contains("Exception") || l.contains("Error")).findFirst().orElse("exit "
                    + process.exitValue()));
        }
        Set<String> jars = new TreeSet<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = FROM_LIB.matcher(line);
            if (m.find() && line.contains(unpacked.toString())) {
                jars.add(m.group(1));
            }
        }
        Files.delete(log);
        return jars;
    }
}
