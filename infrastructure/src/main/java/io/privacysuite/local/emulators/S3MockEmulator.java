package io.privacysuite.local.emulators;

import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.template.Template;
import java.io.BufferedReader;
import java.io.File;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Adobe S3Mock ({@code com.adobe.testing:s3mock}, pinned in {@code infrastructure/s3mock-local/pom.xml}) as a child
 * JVM on a free loopback port, storing objects in a temporary folder deleted on close. It runs in its own process
 * because it is a Spring Boot 3 application whose Jackson, Spring, logging and AWS CRT versions clash with those this
 * JVM pins for DynamoDB Local, ElasticMQ and the functions. Its classpath is resolved once from the local Maven
 * repository ({@code mvn dependency:build-classpath}, offline first) and cached in {@code s3mock-local/target}.
 * Clients must use path-style addressing ({@code http://127.0.0.1:<port>/<bucket>/<key>}).
 */
public final class S3MockEmulator implements AutoCloseable {
    private static final LocalLog LOG = LocalLog.get(S3MockEmulator.class);
    private static final String MAIN = "com.adobe.testing.s3mock.S3MockApplication";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RESOLVE_TIMEOUT = Duration.ofMinutes(5);

    private final Process process;
    private final URI endpoint;
    private final Path root;
    private final Thread shutdownHook;
    private final Deque<String> output;

    private S3MockEmulator(Process process, URI endpoint, Path root, Deque<String> output) {
        this.process = process;
        this.endpoint = endpoint;
        this.root = root;
        this.output = output;
        this.shutdownHook = new Thread(this::destroy, "s3mock-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The folder with the emulator's pom: {@code <project root>/infrastructure/s3mock-local}. */
    public static Path defaultDirectory() {
        return Template.projectRoot().resolve("infrastructure").resolve("s3mock-local");
    }

    public static S3MockEmulator start(Path directory) {
        String classpath = classpath(directory);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return launch(classpath, FreePorts.pick());
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        destroy();
    }

    private void destroy() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        deleteTree(root);
    }

    private static S3MockEmulator launch(String classpath, int port) {
        Path root;
        try {
            root = Files.createTempDirectory("s3mock-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dhttp.port=" + port,
                // The HTTPS connector is not used: an ephemeral port on loopback.
                "-Dserver.port=0", "-Dserver.address=127.0.0.1",
                "-Dcom.adobe.testing.s3mock.store.root=" + root,
                "-Dcom.adobe.testing.s3mock.store.retainFilesOnExit=false",
                "-Dspring.main.banner-mode=off", "-Dlogging.level.root=WARN",
                "-cp", classpath, MAIN);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            deleteTree(root);
            throw new UncheckedIOException("could not start S3Mock", e);
        }
        Deque<String> output = new ArrayDeque<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    io.privacysuite.local.runtime.LocalLogging.emulatorOutput("s3mock", line);
                    synchronized (output) {
                        output.addLast(line);
                        if (output.size() > 40) {
                            output.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "s3mock-output");
        pump.setDaemon(true);
        pump.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                deleteTree(root);
                synchronized (output) {
                    throw new IllegalStateException("S3Mock exited with " + process.exitValue() + ": " + String.join("\n", output));
                }
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    LOG.debug("S3Mock up on %s", endpoint);
                    return new S3MockEmulator(process, endpoint, root, output);
                }
            } catch (IOException notYet) {
                // keep waiting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(100);
        }
        process.destroyForcibly();
        deleteTree(root);
        throw new IllegalStateException("S3Mock did not answer on " + endpoint + " within " + START_TIMEOUT);
    }

    /** The cached classpath if every entry still exists, else resolved again with Maven (offline first). */
    static synchronized String classpath(Path directory) {
        Path cache = directory.resolve("target").resolve("classpath.txt");
        try {
            if (Files.isRegularFile(cache)) {
                String cp = Files.readString(cache).strip();
                if (!cp.isEmpty() && Stream.of(cp.split(File.pathSeparator)).allMatch(p -> Files.exists(Path.of(p)))) {
                    return cp;
                }
            }
            for (boolean offline : new boolean[] {true, false}) {
                List<String> command = new ArrayList<>(List.of("mvn", "-B", "-q"));
                if (offline) {
                    command.add("-o");
                }
                command.addAll(List.of("-f", directory.resolve("pom.xml").toString(), "dependency:build-classpath",
                        "-Dmdep.outputFile=" + cache));
                LOG.info("resolving the S3Mock classpath (%s)", offline ? "offline" : "online");
                Process mvn = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!mvn.waitFor(RESOLVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    mvn.destroyForcibly();
                    continue;
                }
                if (mvn.exitValue() == 0 && Files.isRegularFile(cache)) {
                    return Files.readString(cache).strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not resolve the S3Mock classpath", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("could not resolve the S3Mock classpath with "
                + "mvn -f " + directory.resolve("pom.xml") + " dependency:build-classpath");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete %s: %s", root, e.getMessage());
        }
    }
}
