package io.privacysuite.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small HTTP proxy in front of one emulator (DynamoDB, SQS, SES or S3): the test base hands its address to the
 * functions instead of the emulator's, so a test can make the dependency misbehave the way AWS does. Faults: added
 * latency, a 5xx or a throttling error in the service's own wire format (the request never reaches the emulator), a
 * connection reset before the request is forwarded or after the emulator applied it (the caller cannot tell whether it
 * happened), and the whole endpoint gone (connection refused) for a while. Faults fire at a rate or on chosen calls,
 * only for calls a {@link Plan}'s filter selects (an operation, a table). With no plan it only forwards.
 */
public final class FaultProxy implements AutoCloseable {
    /** What a fault does to one call. */
    public enum Fault { LATENCY, SERVER_ERROR, THROTTLE, RESET_BEFORE, RESET_AFTER }

    /** Which calls a plan applies to: the SDK operation ({@code X-Amz-Target} or {@code Action}) and the raw body. */
    public record Call(String service, String method, String path, String operation, String body) {}

    /**
     * Faults to inject: each selected call gets one of {@code faults} (picked at random) with probability
     * {@code rate}, and the selected calls numbered in {@code atCalls} (1-based, counted among selected calls) get one
     * for sure.
     */
    public record Plan(Predicate<Call> selects, List<Fault> faults, double rate, Set<Integer> atCalls, Duration latency) {
        public static Plan rate(Predicate<Call> selects, double rate, Fault... faults) {
            return new Plan(selects, List.of(faults), rate, Set.of(), Duration.ofMillis(150));
        }

        public static Plan atCalls(Predicate<Call> selects, Fault fault, Integer... calls) {
            return new Plan(selects, List.of(fault), 0, Set.of(calls), Duration.ofMillis(150));
        }
    }

    /** Every fault: an ambiguous outcome (RESET_AFTER) included. */
    public static final Fault[] ALL = Fault.values();
    /** Faults after which the call surely did not happen: for services without idempotent writes (SES). */
    public static final Fault[] BEFORE_ONLY = {Fault.LATENCY, Fault.SERVER_ERROR, Fault.THROTTLE, Fault.RESET_BEFORE};

    private final String service;
    private final URI target;
    private final HttpClient client;
    private final ExecutorService pool;
    private final Random random;
    private final Map<Fault, AtomicInteger> injected = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicInteger selected = new AtomicInteger();
    private final int port;
    private volatile HttpServer server;
    private volatile List<Plan> plans = List.of();

    private FaultProxy(String service, URI target, long seed) {
        this.service = service;
        this.target = target;
        this.random = new Random(seed);
        this.pool = Executors.newVirtualThreadPerTaskExecutor();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    /** A proxy for {@code service} (dynamodb, sqs, ses, s3: it picks the error format) forwarding to {@code target}. */
    public static FaultProxy start(String service, URI target, long seed) {
        return new FaultProxy(service, target, seed);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Replaces the plans (empty: forward everything) and restarts the count of selected calls. */
    public void inject(Plan... plans) {
        this.selected.set(0);
        this.plans = List.of(plans);
    }

    public void clear() {
        inject();
    }

    /** Faults of each kind injected since the proxy started. */
    public Map<Fault, Integer> injected() {
        Map<Fault, Integer> counts = new java.util.EnumMap<>(Fault.class);
        injected.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    public int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public long forwarded() {
        return forwarded.get();
    }

    /**
     * The endpoint disappears (connections refused, in-flight exchanges cut) for {@code outage}, then answers again on
     * the same port; returns at once, the return happens on a background thread.
     */
    public Thread disappearFor(Duration outage) {
        HttpServer current = server;
        current.stop(0);
        Thread back = Thread.ofPlatform().daemon().name("fault-proxy-back-" + service).start(() -> {
            try {
                Thread.sleep(outage.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    server = bind(port);
                    return;
                } catch (UncheckedIOException stillBound) {
                    if (attempt > 100) {
                        throw stillBound;
                    }
                    sleep(50);
                }
            }
        });
        return back;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        client.close();
    }

    private HttpServer bind(int onPort) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 256);
            s.createContext("/", this::handle);
            s.setExecutor(pool);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String operation = operation(exchange, body);
            Call call = new Call(service, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), operation,
                    new String(body, StandardCharsets.UTF_8));
            Plan plan = null;
            for (Plan p : plans) {
                if (p.selects().test(call)) {
                    plan = p;
                    break;
                }
            }
            Fault fault = null;
            if (plan != null) {
                int n = selected.incrementAndGet();
                synchronized (random) {
                    boolean fire = plan.atCalls().contains(n) || (plan.rate() > 0 && random.nextDouble() < plan.rate());
                    fault = fire ? plan.faults().get(random.nextInt(plan.faults().size())) : null;
                }
            }
            if (fault != null) {
                injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
            }
            if (fault == Fault.LATENCY) {
                sleep(plan.latency().toMillis());
            } else if (fault == Fault.RESET_BEFORE) {
                return; // closing the exchange unanswered drops the connection
            } else if (fault == Fault.SERVER_ERROR || fault == Fault.THROTTLE) {
                answerError(exchange, fault);
                return;
            }
            HttpResponse<byte[]> answer = forward(exchange, body);
            forwarded.incrementAndGet();
            if (fault == Fault.RESET_AFTER) {
                return; // the emulator did it; the caller never learns
            }
            answer.headers().map().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!lower.equals("content-length") && !lower.equals("transfer-encoding") && !lower.equals("connection")
                        && !lower.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            boolean noBody = answer.body().length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                    || answer.statusCode() == 204 || answer.statusCode() == 304;
            exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : answer.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (IOException | RuntimeException e) {
            // The emulator went away or the caller did: the exchange closes unanswered, as a dropped connection.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        URI uri = exchange.getRequestURI();
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.toString().replaceAll("/$", "") + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The operation a call names: JSON protocols in X-Amz-Target, query protocols in Action, S3 by method. */
    private static String operation(HttpExchange exchange, byte[] body) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) {
            return target.substring(target.indexOf('.') + 1);
        }
        String form = new String(body, 0, Math.min(body.length, 512), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher action = java.util.regex.Pattern.compile("(?:^|&)Action=([A-Za-z]+)").matcher(form);
        if (action.find()) {
            return action.group(1);
        }
        return exchange.getRequestMethod();
    }

    /** The error AWS itself answers, in the service's format, so the SDK classifies (and retries) it as on AWS. */
    private void answerError(HttpExchange exchange, Fault fault) throws IOException {
        boolean throttle = fault == Fault.THROTTLE;
        int status;
        String contentType;
        String body;
        switch (service) {
            case "dynamodb", "sqs" -> {
                // Both speak AWS JSON 1.0: the error type names the exception the SDK maps it to.
                status = throttle ? 400 : 500;
                contentType = "application/x-amz-json-1.0";
                String type = service.equals("dynamodb")
                        ? (throttle ? "com.amazonaws.dynamodb.v20120810#ThrottlingException" : "com.amazon.coral.service#InternalFailure")
                        : (throttle ? "com.amazonaws.sqs#RequestThrottled" : "com.amazonaws.sqs#InternalError");
                body = "{\"__type\":\"" + type + "\",\"message\":\"injected\"}";
            }
            case "s3" -> {
                status = 503;
                contentType = "application/xml";
                body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + (throttle ? "SlowDown" : "ServiceUnavailable")
                        + "</Code><Message>injected</Message><RequestId>fault</RequestId></Error>";
            }
            default -> {
                status = throttle ? 400 : 500;
                contentType = "text/xml";
                body = "<ErrorResponse><Error><Type>" + (throttle ? "Sender" : "Receiver") + "</Type><Code>"
                        + (throttle ? "Throttling" : "InternalFailure") + "</Code><Message>injected</Message></Error>"
                        + "<RequestId>fault</RequestId></ErrorResponse>";
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.getResponseHeaders().add("x-amzn-RequestId", "fault");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
