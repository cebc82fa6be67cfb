package io.privacysuite.bench;

import io.privacysuite.core.Json;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.template.Template;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Cold first invocation of the consent function in a fresh JVM, beside a hello-world handler's, both started
 * the way Lambda starts Java (the function's zip as the classpath, Lambda's JAVA_TOOL_OPTIONS, the
 * environment the template sets). The consent call writes to the running DynamoDB Local.
 */
final class ColdStartBench {
    static final int RUNS = 5;

    static void run(LocalSuite stack) throws Exception {
        Path root = Template.projectRoot();
        Path unpacked = unzip(root.resolve("functions/consent-api/target/consent-api.zip"));
        Path probeClasses = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String classpath = unpacked + java.io.File.pathSeparator + unpacked.resolve("lib") + "/*"
                + java.io.File.pathSeparator + probeClasses;

        String siteId = "cold-" + UUID.randomUUID().toString().substring(0, 8);
        stack.functions().invoke("ConsentAdminFunction", Map.of("action", "registerSite", "site", Map.of(
                "siteId", siteId, "allowedOrigins", List.of("https://bench.example"), "bannerVersion", "b1")));
        Path consentEvent = Files.createTempFile("consent-event", ".json");
        Files.writeString(consentEvent, Json.write(ConsentBench.event(siteId, 1)));
        Path helloEvent = Files.createTempFile("hello-event", ".json");
        Files.writeString(helloEvent, "{\"hello\":\"world\"}");

        Map<String, String> env = new java.util.HashMap<>(stack.functions().env("ConsentApiFunction").asMap());
        // What the java25 managed runtime runs a function with (Lambda docs, "Customize Java runtime startup"): tiered
        // compilation stopped at C1 (template.yaml sets it for every function, SnapStart included) and the serial GC.
        env.put("JAVA_TOOL_OPTIONS", env.getOrDefault("JAVA_TOOL_OPTIONS",
                "-XX:+TieredCompilation -XX:TieredStopAtLevel=1") + " -XX:+UseSerialGC");
        System.out.printf("coldstart.jvm: JAVA_TOOL_OPTIONS=%s, for hello and consent alike%n",
                env.get("JAVA_TOOL_OPTIONS"));

        List<long[]> hello = new ArrayList<>();
        List<long[]> consent = new ArrayList<>();
        List<long[]> primed = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            hello.add(probe(classpath, HelloHandler.class.getName(), helloEvent, env, false, classLog("hello", i)));
            consent.add(probe(classpath, "io.privacysuite.consent.api.ConsentApiHandler", consentEvent, env, false,
                    classLog("consent", i)));
            primed.add(probe(classpath, "io.privacysuite.consent.api.ConsentApiHandler", consentEvent, env, true,
                    classLog("primed", i)));
        }
        long[] h = median(hello);
        long[] c = median(consent);
        long[] p = median(primed);
        System.out.printf("coldstart.hello: init %d ms, first invoke %d ms, JVM start to first response %d ms, "
                + "CPU %d ms (median of %d fresh JVMs)%n", h[0], h[1], h[2], h[3], RUNS);
        System.out.printf("coldstart.consent: init %d ms, first invoke %d ms, JVM start to first response %d ms, "
                + "CPU %d ms (median of %d fresh JVMs)%n", c[0], c[1], c[2], c[3], RUNS);
        System.out.printf("coldstart.consent.primed: init+priming %d ms, first invoke after priming %d ms "
                + "(with SnapStart the snapshot is taken after priming; a restored container starts at the second "
                + "figure plus restore time)%n", p[0], p[1]);
        String logDir = System.getProperty("bench.coldstart.classlog", "");
        if (!logDir.isBlank()) {
            System.out.printf("coldstart.classes: hello %d, consent %d, consent primed %d (classes loaded in run 1, "
                    + "from %s)%n", classCount(logDir, "hello"), classCount(logDir, "consent"),
                    classCount(logDir, "primed"), logDir);
        }
        System.out.printf("coldstart.ratio: consent/hello JVM start to first response %.2f, CPU %.2f (target <= 2.0; "
                + "each the median of the per-run ratios, hello and consent started back to back)%n",
                medianRatio(consent, hello, 2), medianRatio(consent, hello, 3));
    }

    /** With -Dbench.coldstart.classlog=DIR each probe JVM logs the classes it loads (and from where) to DIR. */
    private static List<String> classLog(String label, int run) throws IOException {
        String dir = System.getProperty("bench.coldstart.classlog", "");
        if (dir.isBlank()) {
            return List.of();
        }
        Files.createDirectories(Path.of(dir));
        return List.of("-Xlog:class+load=info:file=" + Path.of(dir).resolve(label + "-" + run + ".log"));
    }

    private static long classCount(String dir, String label) throws IOException {
        try (var lines = Files.lines(Path.of(dir).resolve(label + "-0.log"))) {
            return lines.filter(l -> l.contains("[class,load]")).count();
        }
    }

    private static long[] probe(String classpath, String handler, Path event, Map<String, String> env, boolean prime,
            List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), handler, event.toString(),
                prime ? "prime" : ""));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("probe failed: " + out);
        }
        String[] lines = out.strip().split("\n");
        if (handler.contains("Consent") && !lines[lines.length - 2].matches(".*\"?statusCode\"?[=:]201.*")) {
            throw new IllegalStateException("consent probe did not record: " + out);
        }
        return Arrays.stream(lines[lines.length - 1].trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    /** Run i of each side ran back to back, under the same load: the median of their ratios. */
    private static double medianRatio(List<long[]> top, List<long[]> bottom, int column) {
        double[] ratios = new double[top.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = (double) top.get(i)[column] / bottom.get(i)[column];
        }
        Arrays.sort(ratios);
        return ratios[ratios.length / 2];
    }

    private static long[] median(List<long[]> runs) {
        long[] result = new long[4];
        for (int k = 0; k < 4; k++) {
            final int col = k;
            long[] values = runs.stream().mapToLong(r -> r[col]).sorted().toArray();
            result[k] = values[values.length / 2];
        }
        return result;
    }

    static Path unzip(Path zip) throws IOException {
        Path dir = Files.createTempDirectory("lambda-artifact");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("zip entry escapes the folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return dir;
    }
}
