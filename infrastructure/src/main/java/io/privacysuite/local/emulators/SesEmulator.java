package io.privacysuite.local.emulators;

import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.template.Template;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The npm SES emulator {@code aws-ses-v2-local} (pinned in {@code infrastructure/ses-local/package-lock.json}) as a
 * child process on a loopback port. Installs itself with {@code npm ci} on first use so a fresh clone works.
 */
public final class SesEmulator implements AutoCloseable {
    private static final LocalLog LOG = LocalLog.get(SesEmulator.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final int KEPT_OUTPUT_LINES = 40;

    private final Process process;
    private final URI endpoint;
    private final Thread shutdownHook;
    private final Deque<String> output;

    private SesEmulator(Process process, URI endpoint, Deque<String> output) {
        this.process = process;
        this.endpoint = endpoint;
        this.output = output;
        this.shutdownHook = new Thread(this::destroy, "ses-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The folder with the emulator's package.json: {@code <project root>/infrastructure/ses-local}. */
    public static Path defaultDirectory() {
        return Template.projectRoot().resolve("infrastructure").resolve("ses-local");
    }

    public static SesEmulator start() {
        return start(defaultDirectory());
    }

    public static SesEmulator start(Path directory) {
        Path bin = installIfMissing(directory);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.pick();
            try {
                return launch(directory, bin, port);
            } catch (IllegalStateException e) {
                last = e; // most likely someone took the port between pick() and bind: try another one
            }
        }
        throw last;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The emulator's web page listing captured mail. */
    public URI webUi() {
        return endpoint.resolve("/");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; nothing left to do
        }
    }

    private void destroy() {
        // npm-style launchers may fork: stop the children first so none is left holding the port.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static SesEmulator launch(Path directory, Path bin, int port) {
        ProcessBuilder builder = new ProcessBuilder(bin.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port))
                .directory(directory.toFile())
                .redirectErrorStream(true);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + bin + " (is node on the PATH?)", e);
        }
        Deque<String> output = drain(process);
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("SES emulator exited with " + process.exitValue() + ": " + tail(output));
            }
            if (answers(http, endpoint.resolve("/health-check"))) {
                return new SesEmulator(process, endpoint, output);
            }
            sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("SES emulator did not answer within " + START_TIMEOUT + ": " + tail(output));
    }

    private static boolean answers(HttpClient http, URI uri) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the SES emulator", e);
        }
    }

    /** Keeps the last lines of the emulator's console for error messages, instead of echoing it. */
    private static Deque<String> drain(Process process) {
        Deque<String> lines = new ArrayDeque<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    io.privacysuite.local.runtime.LocalLogging.emulatorOutput("ses", line);
                    synchronized (lines) {
                        lines.addLast(line);
                        if (lines.size() > KEPT_OUTPUT_LINES) {
                            lines.removeFirst();
                        }
                    }
                }
            } catch (IOException closed) {
                // the process is gone
            }
        }, "ses-emulator-output");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String tail(Deque<String> output) {
        synchronized (output) {
            return String.join(" | ", output);
        }
    }

    static Path binary(Path directory) {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        return directory.resolve("node_modules").resolve(".bin").resolve(windows ? "aws-ses-v2-local.cmd" : "aws-ses-v2-local");
    }

    /** Runs {@code npm ci} once; a file lock keeps parallel JVMs (forked test runs) from installing over each other. */
    static Path installIfMissing(Path directory) {
        Path bin = binary(directory);
        if (Files.isExecutable(bin)) {
            return bin;
        }
        if (!Files.isRegularFile(directory.resolve("package-lock.json"))) {
            throw new IllegalStateException("no package-lock.json in " + directory);
        }
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "privacysuite-ses-local-npm.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            if (Files.isExecutable(bin)) {
                return bin;
            }
            LOG.info("installing the SES emulator with npm ci in %s (first run only)", directory);
            boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
            List<String> command = new ArrayList<>(List.of(windows ? "npm.cmd" : "npm", "ci", "--no-audit", "--no-fund"));
            Path log = Files.createTempFile("ses-local-npm", ".log");
            Process npm = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new IllegalStateException("npm ci timed out; output in " + log);
            }
            if (npm.exitValue() != 0 || !Files.isExecutable(bin)) {
                throw new IllegalStateException("npm ci failed (exit " + npm.exitValue() + "): "
                        + Files.readString(log).strip());
            }
            Files.deleteIfExists(log);
            return bin;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the SES emulator (are node and npm on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the SES emulator", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
