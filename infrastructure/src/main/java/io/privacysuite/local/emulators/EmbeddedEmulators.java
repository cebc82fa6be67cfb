package io.privacysuite.local.emulators;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.typesafe.config.ConfigFactory;
import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.runtime.LocalLogging;
import io.privacysuite.local.template.TemplateResolver;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import scala.concurrent.Await;

/**
 * DynamoDB Local and ElasticMQ inside this JVM, the SES emulator as a node child process and S3Mock as a child JVM
 * (its Spring Boot classpath clashes with this one, see {@link S3MockEmulator}); all on free loopback ports, started
 * in parallel. No Docker needed.
 */
public final class EmbeddedEmulators implements AwsEndpoints, AutoCloseable {
    private static final LocalLog LOG = LocalLog.get(EmbeddedEmulators.class);
    public static final String REGION = TemplateResolver.DEFAULT_REGION;
    public static final String ACCOUNT_ID = TemplateResolver.DEFAULT_ACCOUNT;

    static {
        LocalLogging.configure();
    }

    private final DynamoDb dynamo;
    private final ElasticMq elastic;
    private final SesEmulator ses;
    private final S3MockEmulator s3;
    private final SecretsManagerEmulator secrets;
    private final Map<String, Duration> startupTimes;

    private EmbeddedEmulators(Started<DynamoDb> dynamo, Started<ElasticMq> elastic, Started<SesEmulator> ses,
                              Started<S3MockEmulator> s3) {
        this.dynamo = dynamo.value();
        this.elastic = elastic.value();
        this.ses = ses.value();
        this.s3 = s3.value();
        // In-JVM and instant: started here rather than in the parallel pool.
        this.secrets = SecretsManagerEmulator.start(REGION, ACCOUNT_ID);
        Map<String, Duration> times = new LinkedHashMap<>();
        times.put("dynamodb", dynamo.took());
        times.put("sqs", elastic.took());
        times.put("ses", ses.took());
        times.put("s3", s3.took());
        this.startupTimes = Map.copyOf(times);
    }

    public static EmbeddedEmulators start() {
        return start(SesEmulator.defaultDirectory());
    }

    public static EmbeddedEmulators start(java.nio.file.Path sesDirectory) {
        return start(sesDirectory, sesDirectory.resolveSibling("s3mock-local"));
    }

    /** Starts the four emulators in parallel; if one fails the others are stopped again. */
    public static EmbeddedEmulators start(java.nio.file.Path sesDirectory, java.nio.file.Path s3Directory) {
        long begin = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "emulator-start");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletableFuture<Started<DynamoDb>> dynamo = CompletableFuture.supplyAsync(timed(EmbeddedEmulators::startDynamoDb), pool);
            CompletableFuture<Started<ElasticMq>> elastic = CompletableFuture.supplyAsync(timed(EmbeddedEmulators::startElasticMq), pool);
            CompletableFuture<Started<SesEmulator>> ses = CompletableFuture.supplyAsync(timed(() -> SesEmulator.start(sesDirectory)), pool);
            CompletableFuture<Started<S3MockEmulator>> s3 = CompletableFuture.supplyAsync(timed(() -> S3MockEmulator.start(s3Directory)), pool);
            try {
                CompletableFuture.allOf(dynamo, elastic, ses, s3).join();
            } catch (CompletionException e) {
                // Wait for the others to settle, then stop whatever did start.
                for (CompletableFuture<? extends Started<?>> f : List.of(dynamo, elastic, ses, s3)) {
                    f.handle((started, error) -> started).join();
                }
                dynamo.thenAccept(s -> stopQuietly("DynamoDB Local", s.value()::stop));
                elastic.thenAccept(s -> stopQuietly("ElasticMQ", s.value()::stop));
                ses.thenAccept(s -> s.value().close());
                s3.thenAccept(s -> s.value().close());
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            EmbeddedEmulators emulators = new EmbeddedEmulators(dynamo.join(), elastic.join(), ses.join(), s3.join());
            LOG.info("emulators up in %d ms (dynamodb %d ms, sqs %d ms, ses %d ms, s3 %d ms)",
                    Duration.ofNanos(System.nanoTime() - begin).toMillis(),
                    emulators.startupTimes.get("dynamodb").toMillis(), emulators.startupTimes.get("sqs").toMillis(),
                    emulators.startupTimes.get("ses").toMillis(), emulators.startupTimes.get("s3").toMillis());
            return emulators;
        } finally {
            pool.shutdown();
        }
    }

    /** How long each emulator took to start (measured in its own thread). */
    public Map<String, Duration> startupTimes() {
        return startupTimes;
    }

    @Override
    public URI dynamodb() {
        return dynamo.endpoint();
    }

    @Override
    public URI sqs() {
        return elastic.endpoint();
    }

    @Override
    public URI ses() {
        return ses.endpoint();
    }

    @Override
    public Optional<String> ensureSesRunning() {
        return ses.ensureRunning();
    }

    /** The SES emulator child process (tests kill it to see the suite start it again). */
    public SesEmulator sesEmulator() {
        return ses;
    }

    /** The SES emulator's page listing captured mail. */
    public URI mailboxUi() {
        return ses.webUi();
    }

    @Override
    public Optional<URI> s3() {
        return Optional.of(s3.endpoint());
    }

    @Override
    public Optional<URI> secretsManager() {
        return Optional.of(secrets.endpoint());
    }

    /** The Secrets Manager emulator (tests count its reads). */
    public SecretsManagerEmulator secretsManagerEmulator() {
        return secrets;
    }

    @Override
    public String region() {
        return REGION;
    }

    @Override
    public String accessKey() {
        return "local";
    }

    @Override
    public String secretKey() {
        return "local";
    }

    @Override
    public boolean realTimeTtl() {
        return true;
    }

    /** Stops all four in parallel; each is given about a second. */
    @Override
    public void close() {
        List<Thread> stoppers = new ArrayList<>();
        stoppers.add(new Thread(() -> stopQuietly("DynamoDB Local", dynamo::stop), "stop-dynamodb"));
        stoppers.add(new Thread(() -> stopQuietly("ElasticMQ", elastic::stop), "stop-sqs"));
        stoppers.add(new Thread(ses::close, "stop-ses"));
        stoppers.add(new Thread(s3::close, "stop-s3"));
        stoppers.add(new Thread(secrets::close, "stop-secretsmanager"));
        stoppers.forEach(Thread::start);
        for (Thread t : stoppers) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static DynamoDb startDynamoDb() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.pick();
            try {
                // -sharedDb: without it DynamoDB Local keeps one database per access key and region, and a client
                // signing with other dummy credentials would silently see no tables.
                String[] args = {"-inMemory", "-sharedDb", "-port", String.valueOf(port), "-disableTelemetry"};
                DynamoDBProxyServer server = LocalLogging.withStdoutMuted(() -> ServerRunner.createServerFromCommandLineArgs(args));
                server.start();
                return new DynamoDb(server, URI.create("http://127.0.0.1:" + port));
            } catch (Exception e) {
                last = new IllegalStateException("DynamoDB Local did not start on port " + port, e);
            }
        }
        throw last;
    }

    private static ElasticMq startElasticMq() {
        // Own actor system so its logging is quiet and it can be terminated quickly on close.
        ActorSystem actors = ActorSystem.create("elasticmq", ConfigFactory.parseString(
                "pekko.loglevel = WARNING\n"
                        + "pekko.stdout-loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off\n"
                        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                        + "pekko.coordinated-shutdown.terminate-actor-system = on\n")
                .withFallback(ConfigFactory.load()));
        try {
            SQSRestServer server = SQSRestServerBuilder.withActorSystem(actors)
                    .withInterface("127.0.0.1")
                    .withDynamicPort()
                    .withAWSRegion(REGION)
                    .withAWSAccountId(ACCOUNT_ID)
                    .start();
            int port = server.waitUntilStarted().localAddress().getPort();
            return new ElasticMq(server, actors, URI.create("http://127.0.0.1:" + port));
        } catch (RuntimeException e) {
            actors.terminate();
            throw e;
        }
    }

    private record DynamoDb(DynamoDBProxyServer server, URI endpoint) {
        void stop() throws Exception {
            server.stop();
        }
    }

    private record ElasticMq(SQSRestServer server, ActorSystem actors, URI endpoint) {
        void stop() throws Exception {
            try {
                server.stopAndWait();
            } finally {
                Await.ready(actors.terminate(), scala.concurrent.duration.Duration.create(2, TimeUnit.SECONDS));
            }
        }
    }

    private record Started<T>(T value, Duration took) {}

    private static <T> Supplier<Started<T>> timed(Supplier<T> start) {
        return () -> {
            long begin = System.nanoTime();
            T value = start.get();
            return new Started<>(value, Duration.ofNanos(System.nanoTime() - begin));
        };
    }

    private interface Stopper {
        void stop() throws Exception;
    }

    private static void stopQuietly(String what, Stopper stopper) {
        try {
            stopper.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("stopping %s failed: %s", what, e.getMessage());
        }
    }
}
