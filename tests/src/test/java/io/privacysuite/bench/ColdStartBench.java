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
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");

        List<long[]> hello = new ArrayList<>();
        List<long[]> consent = new ArrayList<>();
        List<long[]> primed = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            hello.add(probe(classpath, HelloHandler.class.getName(), helloEvent, env, false));
            consent.add(probe(classpath, "io.privacysuite.consent.api.ConsentApiHandler", consentEvent, env, false));
            primed.add(probe(classpath, "io.privacysuite.consent.api.ConsentApiHandler", consentEvent, env, true));
        }
        long[] h = median(hello);
        long[] c = median(consent);
        long[] p = median(primed);
        System.out.printf("coldstart.hello: init %d ms, first invoke %d ms, JVM start to first response %d ms "
                + "(median of %d fresh JVMs)%n", h[0], h[1], h[2], RUNS);
        System.out.printf("coldstart.consent: init %d ms, first invoke %d ms, JVM start to first response %d ms "
                + "(median of %d fresh JVMs)%n", c[0], c[1], c[2], RUNS);
        System.out.printf("coldstart.consent.primed: init+priming %d ms, first invoke after priming %d ms "
                + "(with SnapStart the snapshot is taken after priming; a restored container starts at the second "
                + "figure plus restore time)%n", p[0], p[1]);
        System.out.printf("coldstart.ratio: consent/hello JVM start to first response %.2f (target <= 2.0)%n",
                (double) c[2] / h[2]);
    }

    private static long[] probe(String classpath, String handler, Path event, Map<String, String> env, boolean prime)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, ColdStartProbe.class.getName(), handler, event.toString(), prime ? "prime" : "");
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
        if (handler.contains("Consent") && !lines[lines.length - 2].contains("statusCode=201")) {
            throw new IllegalStateException("consent probe did not record: " + out);
        }
        return Arrays.stream(lines[lines.length - 1].trim().split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private static long[] median(List<long[]> runs) {
        long[] result = new long[3];
        for (int k = 0; k < 3; k++) {
            final int col = k;
            long[] values = runs.stream().mapToLong(r -> r[col]).sorted().toArray();
            result[k] = values[values.length / 2];
        }
        return result;
    }

    private static Path unzip(Path zip) throws IOException {
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
