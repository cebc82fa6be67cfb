package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.emulators.NpmInstall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The browser tests' npm packages (playwright-core, axe-core; pinned in tests/browser/package-lock.json) and their
 * run in Debian's chromium.
 */
final class BrowserPackages {
    static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

    private BrowserPackages() {}

    /**
     * Installs them with {@code npm ci} on first use; never a browser (Debian's chromium runs the tests). The marker is
     * the last package the lock file added, so a folder installed from an older lock file is brought up to date.
     */
    static Path install(Path projectRoot) {
        Path dir = projectRoot.resolve("tests").resolve("browser");
        NpmInstall.ifMissing(dir, dir.resolve("node_modules").resolve("axe-core").resolve("axe.min.js"),
                "the browser tests' playwright-core and axe-core");
        return dir;
    }

    /**
     * Runs the node tests of {@code folder} (one at a time, TAP output), prints their figure lines (those starting with
     * one of {@code figures}) with the time taken, and requires exactly {@code cases} passing and nothing else.
     * Returns the TAP text for the caller's own checks.
     */
    static String runTests(Path dir, String folder, int cases, Map<String, String> env, String what,
                           String... figures) throws Exception {
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=tap", "--test-concurrency=1",
                folder + "/").directory(dir.toFile()).redirectErrorStream(true);
        node.environment().putAll(env);
        node.environment().put("CHROMIUM", CHROMIUM);
        Path log = Files.createTempFile("browser-" + folder, ".tap");
        long start = System.nanoTime();
        Process process = node.redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String tap = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        System.out.println(String.join("; ", tap.lines()
                .filter(l -> l.startsWith("# pass") || l.startsWith("# fail")
                        || Arrays.stream(figures).anyMatch(f -> l.startsWith("# " + f)))
                .map(l -> l.substring(2)).toList()) + " in " + seconds + " s (" + what + ", " + CHROMIUM + ")");

        assertThat(finished).as("browser tests finished within 10 minutes").isTrue();
        assertThat(tap).as(tap).contains("# pass " + cases).contains("# fail 0").contains("# skipped 0")
                .contains("# cancelled 0");
        assertThat(process.exitValue()).as(tap).isZero();
        return tap;
    }
}
