package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookConnectorTest {
    static final String SECRET = "unit-secret";
    HttpServer server;
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger slowCalls = new AtomicInteger();
    volatile int failureStatus = 503;
    final List<String> signatures = new CopyOnWriteArrayList<>();
    final List<String> bodies = new CopyOnWriteArrayList<>();

    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            signatures.add(WebhookSigner.verify(ex.getRequestHeaders().getFirst(WebhookSigner.HEADER), body, SECRET,
                    Instant.now()) ? "valid" : "invalid");
            byte[] out;
            int status;
            if (failuresLeft.getAndDecrement() > 0) {
                status = failureStatus;
                out = "{}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                out = ("{\"records\":[{\"ticketId\":\"T-1\"}],\"retained\":[{\"category\":\"billing\",\"count\":2,"
                        + "\"legalBasis\":\"tax\",\"until\":\"2037-01-01\"}]}").getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    WebhookConnector connector() {
        DataMap.Source source = new DataMap.Source("desk", DataMap.Kind.WEBHOOK, "tickets", "Your tickets", null, null,
                null, null, null, List.of(), null, null, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook",
                SECRET, 500, 1000, 3, null, new DataMap.Erasure(DataMap.ErasureMode.DELETE, List.of(), null, null, null,
                false));
        return new WebhookConnector(source, Clock.systemUTC(), Duration.ofMillis(5));
    }

    static final Subject ANN = new Subject("req-1", "ann@example.org", "hash", List.of(), List.of(), Map.of("name", "Ann"),
            null);

    @Test
    void shouldSignEveryCall_andRetryServerErrors() throws Exception {
        start();
        failuresLeft.set(2);

        SourceOutcome outcome = connector().collect(ANN, Instant.now());

        assertThat(outcome.records()).containsExactly(Map.of("ticketId", "T-1"));
        assertThat(signatures).containsExactly("valid", "valid", "valid");
        assertThat(bodies.get(0)).contains("\"action\":\"export\"").contains("\"requestId\":\"req-1\"")
                .contains("\"email\":\"ann@example.org\"");
    }

    @Test
    void shouldReportRetainedItems_fromAnErasure() throws Exception {
        start();

        SourceOutcome outcome = connector().erase(ANN, Instant.now());

        assertThat(outcome.kept()).singleElement().satisfies(k -> {
            assertThat(k.count()).isEqualTo(2);
            assertThat(k.legalBasis()).isEqualTo("tax");
            assertThat(k.until()).isEqualTo(java.time.LocalDate.of(2037, 1, 1));
        });
    }

    @Test
    void shouldFailAfterItsAttempts_andNotRetryClientErrors() throws Exception {
        start();
        failuresLeft.set(10);

        assertThatThrownBy(() -> connector().collect(ANN, Instant.now()))
                .isInstanceOf(Connector.SourceFailedException.class).hasMessageContaining("HTTP 503");
        assertThat(bodies).hasSize(3);

        bodies.clear();
        failureStatus = 400;
        assertThatThrownBy(() -> connector().collect(ANN, Instant.now())).hasMessageContaining("HTTP 400");
        assertThat(bodies).hasSize(1);
    }

    @Test
    void shouldFailOnTimeout() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            slowCalls.incrementAndGet();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();

        assertThatThrownBy(() -> connector().collect(ANN, Instant.now()))
                .isInstanceOf(Connector.SourceFailedException.class).hasMessageContaining("Timeout");
        assertThat(slowCalls.get()).isEqualTo(3);
    }

    @Test
    void shouldNotFollowRedirects_andRefuseOversizedAnswers() throws Exception {
        java.util.concurrent.atomic.AtomicInteger elsewhere = new java.util.concurrent.atomic.AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().add("Location", "/elsewhere");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        server.createContext("/elsewhere", ex -> {
            elsewhere.incrementAndGet();
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            ex.close();
        });
        server.createContext("/huge", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, 0);
            try (var out = ex.getResponseBody()) {
                out.write("{\"records\":[".getBytes(StandardCharsets.UTF_8));
                byte[] chunk = "{\"a\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},".getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < (WebhookConnector.MAX_RESPONSE_BYTES / chunk.length) + 10; i++) {
                    out.write(chunk);
                }
                out.write("{}]}".getBytes(StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                // the connector stopped reading: expected
            }
        });
        server.start();

        assertThatThrownBy(() -> connector().collect(ANN, Instant.now())).hasMessageContaining("HTTP 307");
        assertThat(elsewhere).as("the redirect was not followed").hasValue(0);

        DataMap.Source huge = new DataMap.Source("desk", DataMap.Kind.WEBHOOK, "tickets", "Your tickets", null, null,
                null, null, null, List.of(), null, null, "http://127.0.0.1:" + server.getAddress().getPort() + "/huge",
                SECRET, 500, 5000, 1, null,
                new DataMap.Erasure(DataMap.ErasureMode.DELETE, List.of(), null, null, null, false));
        assertThatThrownBy(() -> new WebhookConnector(huge, Clock.systemUTC(), Duration.ofMillis(5)).collect(ANN,
                Instant.now())).isInstanceOf(Connector.SourceFailedException.class).hasMessageContaining("too large");
    }
}
