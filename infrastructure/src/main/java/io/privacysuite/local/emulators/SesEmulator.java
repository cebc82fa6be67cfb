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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The npm SES emulator {@code aws-ses-v2-local} (pinned in {@code infrastructure/ses-local/package-lock.json}) as a
 * child process on a loopback port. Installs itself with {@code npm ci} on first use so a fresh clone works.
 *
 * <p>If the process dies (killed, crashed) it is started again on the same port, since every function's
 * {@code AWS_ENDPOINT_URL_SES} names that port: when it exits, and again whenever {@link #ensureRunning()} finds it
 * gone. The mail it had captured is lost with it. If it cannot be started again, {@link #ensureRunning()} says so and
 * the local API answers 503 rather than accepting requests whose email could never leave.
 */
public final class SesEmulator implements AutoCloseable {
    private static final LocalLog LOG = LocalLog.get(SesEmulator.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int KEPT_OUTPUT_LINES = 40;

    private static final int RESTART_ATTEMPTS = 3;

    private final Path directory;
    private final Path bin;
    private final URI endpoint;
    private final Thread shutdownHook;
    private volatile Launched current;
    private volatile boolean closing;
    private volatile String failure;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();

    /** A running emulator process and the last lines of its console. */
    private record Launched(Process process, Deque<String> output) {}

    private SesEmulator(Path directory, Path bin, URI endpoint, Launched launched) {
        this.directory = directory;
        this.bin = bin;
        this.endpoint = endpoint;
        this.current = launched;
        this.shutdownHook = new Thread(this::destroy, "ses-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        watch(launched);
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
                return new SesEmulator(directory, bin, URI.create("http://127.0.0.1:" + port), launch(directory, bin, port));
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
        return current.process().isAlive();
    }

    /** The process id of the running emulator (tests kill it to see it come back). */
    public long pid() {
        return current.process().pid();
    }

    /** How often the emulator was started again after it died. */
    public int restarts() {
        return restarts.get();
    }

    /**
     * Makes sure the emulator answers: starts it again if it died. Returns empty when it runs, else why it is down
     * for good (it could not be started again on its port).
     */
    public java.util.Optional<String> ensureRunning() {
        if (!closing && !current.process().isAlive()) {
            restart(current);
        }
        return java.util.Optional.ofNullable(closing || current.process().isAlive() ? null : failure);
    }

    private void watch(Launched launched) {
        launched.process().onExit().thenRun(() -> {
            if (!closing) {
                restart(launched);
            }
        });
    }

    /** Starts a new process on the same port, once per death: whoever comes second finds it replaced. */
    private synchronized void restart(Launched dead) {
        if (closing || current != dead) {
            return;
        }
        int port = endpoint.getPort();
        LOG.warn("the SES emulator on port %d exited (%s); starting it again (mail captured so far is lost). Its last "
                + "output: %s", port, exitCode(dead.process()), tail(dead.output()));
        IllegalStateException last = null;
        for (int attempt = 0; attempt < RESTART_ATTEMPTS && !closing; attempt++) {
            try {
                Launched next = launch(directory, bin, port);
                current = next;
                failure = null;
                restarts.incrementAndGet();
                LOG.warn("the SES emulator answers again on %s", endpoint);
                watch(next);
                return;
            } catch (RuntimeException e) {
                last = e instanceof IllegalStateException ise ? ise : new IllegalStateException(e);
                sleep(200L * (attempt + 1));
            }
        }
        failure = "the SES emulator on port " + port + " died and could not be started again ("
                + (last == null ? "stopping" : last.getMessage()) + "): no email can be sent; restart the local suite";
        LOG.error("%s", failure);
    }

    private static String exitCode(Process process) {
        try {
            return "exit " + process.exitValue();
        } catch (IllegalThreadStateException running) {
            return "not answering";
        }
    }

    @Override
    public void close() {
        closing = true;
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run; nothing left to do
        }
    }

    private void destroy() {
        closing = true;
        Process process = current.process();
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

    private static Launched launch(Path directory, Path bin, int port) {
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
                return new Launched(process, output);
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

    /** Runs {@code npm ci} once (see {@link NpmInstall}). */
    static Path installIfMissing(Path directory) {
        Path bin = binary(directory);
        if (Files.isExecutable(bin)) {
            return bin;
        }
        return NpmInstall.ifMissing(directory, bin, "the SES emulator");
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
