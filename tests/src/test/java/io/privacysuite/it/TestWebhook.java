package io.privacysuite.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.privacysuite.core.Json;
import io.privacysuite.fulfilment.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The "support desk" webhook source of the integration tests' data map: a JDK HttpServer on 127.0.0.1 that checks
 * the HMAC signature of every call, keeps support tickets per address, and answers 503 for addresses starting with
 * {@code fail-} (a source that is down).
 */
final class TestWebhook {
    static final String SECRET = "it-webhook-secret-" + java.util.UUID.randomUUID();
    private static TestWebhook instance;

    /** One call as received; {@code subject} is the body's subject object as JSON text. */
    record Call(String action, String email, boolean signatureValid, int attempt, String subject) {}

    private final HttpServer server;
    final Map<String, List<Map<String, Object>>> tickets = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** fail- addresses whose outage is over. */
    final java.util.Set<String> repaired = ConcurrentHashMap.newKeySet();
    /** Calls running right now, and the most ever running at once, per address (duplicate deliveries show here). */
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Integer> maxInFlight = new ConcurrentHashMap<>();

    private TestWebhook() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/privacy", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean valid = WebhookSigner.verify(exchange.getRequestHeaders().getFirst(WebhookSigner.HEADER), body,
                    SECRET, Instant.now());
            JsonNode request = Json.read(body);
            String email = request.at("/subject/email").asText();
            String action = request.path("action").asText();
            calls.add(new Call(action, email, valid,
                    Integer.parseInt(exchange.getRequestHeaders().getFirst("X-PrivacySuite-Attempt")),
                    request.path("subject").toString()));
            int running = inFlight.computeIfAbsent(email, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            maxInFlight.merge(email, running, Math::max);
            if (email.contains("slow-")) {
                // A slow system: long enough for a duplicate delivery to overlap with this one.
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            inFlight.get(email).decrementAndGet();
            int status;
            Object answer;
            if (!valid) {
                status = 401;
                answer = Map.of("error", "bad signature");
            } else if (email.startsWith("fail-") && !repaired.contains(email)) {
                status = 503;
                answer = Map.of("error", "maintenance");
            } else {
                status = 200;
                List<Map<String, Object>> held = tickets.getOrDefault(email, List.of());
                answer = switch (action) {
                    case "export" -> Map.of("records", held);
                    case "erase" -> {
                        tickets.remove(email);
                        yield Map.of("found", held.size(), "deleted", held.size());
                    }
                    case "rectify" -> Map.of("found", held.size(),
                            "notApplied", new ArrayList<>(Json.MAPPER.convertValue(request.path("changes"), Map.class).keySet()));
                    default -> Map.of("found", held.size(), "updated", held.size());
                };
            }
            byte[] out = Json.write(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "application/json");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        // Several threads, as a real service has: duplicate deliveries would overlap here.
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "test-webhook");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    static synchronized TestWebhook get() {
        if (instance == null) {
            instance = new TestWebhook();
        }
        return instance;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/privacy";
    }

    /** The most calls about {@code email} that were ever running at the same time. */
    int maxConcurrentCalls(String email) {
        return maxInFlight.getOrDefault(email, 0);
    }

    List<Call> callsFor(String email) {
        return calls.stream().filter(c -> c.email().equals(email)).toList();
    }
}
