package io.privacysuite.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.api.HttpApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A bounded soak of the local HTTP API: {@code clients} threads send a mix of consent writes (60 %), verifications of
 * consents written earlier (30 %) and data subject requests (10 %) for {@code duration}, as browsers would (one
 * address per visitor, several sites). Afterwards every write that was answered as accepted is looked up in its table
 * (a lost write is one answered 201/202 and not stored). Used by the soak benchmark (minutes, figures) and by
 * {@code SoakIT} (seconds, zero errors and zero lost writes).
 */
public final class Soak {
    /** What a run measured. */
    public record Result(long requests, long errors, List<String> errorSamples, long lostWrites, double seconds,
                         Map<String, Long> perKind, long p50Micros, long p99Micros, long heapStartMb, long heapEndMb,
                         int threadsStart, int threadsEnd) {
        public double perSecond() {
            return requests / seconds;
        }

        public String describe() {
            return String.format("soak: %d requests in %.1f s = %.0f req/s %s, p50 %.1f ms, p99 %.1f ms, errors %d, "
                            + "lost writes %d, heap %d -> %d MB (after GC), threads %d -> %d", requests, seconds,
                    perSecond(), perKind, p50Micros / 1000.0, p99Micros / 1000.0, errors, lostWrites, heapStartMb,
                    heapEndMb, threadsStart, threadsEnd);
        }
    }

    private record Recorded(String consentId, String key, String siteId) {}

    private final LocalSuite stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> sites;
    private final List<Recorded> recorded = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> intakeAddresses = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> perKind = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** @param sites registered sites whose origins include https://shop.example.com */
    public Soak(LocalSuite stack, List<String> sites) {
        this.stack = stack;
        this.sites = List.copyOf(sites);
    }

    /** Registers {@code count} sites for a soak through the operator function, as an operator would. */
    public static List<String> registerSites(LocalSuite stack, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "soak-" + UUID.randomUUID().toString().substring(0, 8);
            JsonNode answer = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite",
                    "site", Map.of("siteId", id, "name", id, "accountId", "acct-" + id, "siteGroup", id,
                            "allowedOrigins", List.of("https://shop.example.com"), "bannerVersion", "2026-11",
                            "consentLifetimeMonths", 12)));
            if (answer.has("error")) {
                throw new IllegalStateException("cannot register a soak site: " + answer);
            }
            ids.add(id);
        }
        return ids;
    }

    public Result run(Duration duration, int clients) throws InterruptedException {
        // Each simulated visitor has its own address, as behind API Gateway (the limits count per client).
        System.setProperty(HttpApiServer.TRUST_FORWARDED_FOR, "true");
        long heapStart = usedHeapMb();
        int threadsStart = Thread.activeCount();
        List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(Thread.ofPlatform().name("soak-" + c).start(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    one();
                    long micros = (System.nanoTime() - t0) / 1000;
                    if (n == mine.length) {
                        mine = java.util.Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = micros;
                }
                latencies.add(java.util.Arrays.copyOf(mine, n));
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        long lost = lostWrites();
        Map<String, Long> kinds = new java.util.TreeMap<>();
        perKind.forEach((k, v) -> kinds.put(k, v.get()));
        return new Result(all.length, errors.get(), List.copyOf(errorSamples), lost, seconds, kinds,
                percentile(all, 0.50), percentile(all, 0.99), heapStart, usedHeapMb(), threadsStart, Thread.activeCount());
    }

    private void one() {
        int pick = ThreadLocalRandom.current().nextInt(100);
        try {
            if (pick < 60 || recorded.size() < 10) {
                consent();
            } else if (pick < 90) {
                verify();
            } else {
                intake();
            }
        } catch (IOException | RuntimeException e) {
            error("exception " + e);
        }
    }

    private void consent() throws IOException {
        String site = sites.get(ThreadLocalRandom.current().nextInt(sites.size()));
        String body = "{\"method\":\"custom\",\"categories\":{\"preferences\":true,\"statistics\":"
                + ThreadLocalRandom.current().nextBoolean() + ",\"marketing\":false},\"bannerVersion\":\"2026-11\","
                + "\"pageUrl\":\"https://shop.example.com/p\",\"clientRequestId\":\"" + UUID.randomUUID() + "\"}";
        HttpResponse<String> answer = send("POST", "/v1/sites/" + site + "/consents", body, "origin",
                "https://shop.example.com", "content-type", "application/json");
        count("consent");
        if (answer.statusCode() != 201) {
            error("consent answered " + answer.statusCode() + " " + answer.body());
            return;
        }
        JsonNode json = Json.read(answer.body());
        recorded.add(new Recorded(json.path("consentId").asText(), json.path("key").asText(), site));
    }

    private void verify() throws IOException {
        Recorded r = recorded.get(ThreadLocalRandom.current().nextInt(recorded.size()));
        HttpResponse<String> answer = send("GET", "/v1/sites/" + r.siteId() + "/consents/" + r.consentId()
                + "/verify?version=1&key=" + r.key(), null, "origin", "https://shop.example.com");
        count("verify");
        if (answer.statusCode() != 200 || !Json.read(answer.body()).path("status").asText().equals("valid")) {
            error("verify answered " + answer.statusCode() + " " + answer.body());
        }
    }

    private void intake() throws IOException {
        String email = "soak-" + run + "-" + UUID.randomUUID().toString().substring(0, 12) + "@example.org";
        String site = sites.get(ThreadLocalRandom.current().nextInt(sites.size()));
        HttpResponse<String> answer = send("POST", "/v1/requests", "{\"type\":\"access\",\"email\":\"" + email
                + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}", "content-type", "application/json");
        count("intake");
        if (answer.statusCode() != 202) {
            error("intake answered " + answer.statusCode() + " " + answer.body());
            return;
        }
        intakeAddresses.add(email);
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws IOException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.httpBaseUri() + path))
                .timeout(Duration.ofSeconds(30))
                .header("x-forwarded-for", "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Accepted writes not found in their tables: consents by key, requests by the addresses they were sent for. */
    private long lostWrites() {
        var dynamo = stack.awsClients().dynamoDb();
        String consents = stack.resources().tableName("ConsentsTable");
        long lost = 0;
        synchronized (recorded) {
            for (Recorded r : recorded) {
                var item = dynamo.getItem(g -> g.tableName(consents).consistentRead(true).key(Map.of(
                        "pk", AttributeValue.fromS("CONSENT#" + r.consentId()), "sk", AttributeValue.fromS("V#000001")))).item();
                if (item == null || item.isEmpty()) {
                    lost++;
                }
            }
        }
        Set<String> stored = ConcurrentHashMap.newKeySet();
        dynamo.scanPaginator(s -> s.tableName(stack.resources().tableName("RequestsTable")).consistentRead(true))
                .items().forEach(item -> {
                    AttributeValue email = item.get("email");
                    if (email != null && intakeAddresses.contains(email.s())) {
                        stored.add(email.s());
                    }
                });
        return lost + (intakeAddresses.size() - stored.size());
    }

    private void count(String kind) {
        perKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    private void error(String what) {
        errors.incrementAndGet();
        if (errorSamples.size() < 10) {
            errorSamples.add(what.length() > 300 ? what.substring(0, 300) : what);
        }
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static long usedHeapMb() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
    }
}
