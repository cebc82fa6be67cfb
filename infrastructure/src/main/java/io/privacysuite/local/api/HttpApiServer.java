package io.privacysuite.local.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.privacysuite.local.runtime.LocalFunction;
import io.privacysuite.local.runtime.LocalFunctions;
import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.template.Props;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map.Entry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP API on a loopback port: routes from the functions' {@code HttpApi} events, payload 2.0 events in, responses
 * out, with API Gateway's answers for what never reaches a function (404 no route, 413 body over 10 MB, 502 handler
 * error).
 */
public final class HttpApiServer implements AutoCloseable {
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    /** Tests simulate visitors' IPs by sending X-Forwarded-For; off by default, as anyone can send that header. */
    public static final String TRUST_FORWARDED_FOR = "privacysuite.trustForwardedFor";
    /** How long a request body may take to arrive (default 10 s); a client that declares more than it sends is cut off. */
    public static final String BODY_TIMEOUT_MILLIS = "privacysuite.bodyTimeoutMillis";
    private static final LocalLog LOG = LocalLog.get(HttpApiServer.class);

    /** Runs the function a route points to. */
    @FunctionalInterface
    public interface Invoker {
        Object invoke(String functionLogicalId, APIGatewayV2HTTPEvent event);
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final String accountId;
    private volatile List<HttpRoute> routes = List.of();
    private volatile Invoker invoker;
    private final java.util.Set<String> pages = new java.util.HashSet<>();

    private HttpApiServer(HttpServer server, ExecutorService pool, String accountId) {
        this.server = server;
        this.pool = pool;
        this.accountId = accountId;
    }

    /** Routes of every {@code Type: HttpApi} event of every function. */
    public static List<HttpRoute> routesFrom(LocalFunctions functions) {
        List<HttpRoute> routes = new ArrayList<>();
        for (LocalFunction f : functions.all()) {
            for (LocalFunction.Event e : f.events()) {
                if (!e.type().equals("HttpApi")) {
                    continue;
                }
                Optional<String> path = Props.string(e.properties(), "Path");
                Optional<String> method = Props.string(e.properties(), "Method");
                if (path.isEmpty() && method.isEmpty()) {
                    routes.add(HttpRoute.defaultRoute(f.logicalId()));
                } else {
                    routes.add(new HttpRoute(method.orElse("ANY"), path.orElse("/"), f.logicalId()));
                }
                if ("1.0".equals(Props.string(e.properties(), "PayloadFormatVersion").orElse("2.0"))) {
                    LOG.warn("%s.%s asks for payload 1.0; the local API sends 2.0", f.logicalId(), e.name());
                }
            }
        }
        return routes;
    }

    /** @param port 0 for an ephemeral port */
    public static HttpApiServer start(int port, List<HttpRoute> routes, Invoker invoker, String accountId) {
        HttpApiServer api = bind(port, accountId);
        api.serve(routes, invoker);
        return api;
    }

    /**
     * Binds the port (0: an ephemeral one) without serving yet, so the port is known, and held, before the functions
     * whose emailed links point at it are configured; {@link #serve} starts answering.
     */
    public static HttpApiServer bind(int port, String accountId) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " is in use; choose another with -Dprivacysuite.port", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HTTP API", e);
        }
        AtomicInteger counter = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "http-api-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new HttpApiServer(server, pool, accountId);
    }

    /** Starts answering with these routes. */
    public void serve(List<HttpRoute> routes, Invoker invoker) {
        this.routes = List.copyOf(routes);
        this.invoker = invoker;
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /**
     * Serves pages that are not API routes (the demo shop, the API description) under {@code prefix}, e.g.
     * {@code /demo/}; API Gateway never sees them. A prefix served already is left as it is.
     */
    public synchronized void page(String prefix, com.sun.net.httpserver.HttpHandler handler) {
        if (pages.add(prefix)) {
            server.createContext(prefix, handler);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public List<HttpRoute> routes() {
        return routes;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        int status = 500;
        try (exchange) {
            HttpApiEvents.HttpResult result = respond(exchange);
            status = result.status();
            write(exchange, result);
        } catch (BodyTimeoutException e) {
            // Closing the exchange before any response closes the connection, which also ends the blocked read.
            status = 408;
            LOG.debug("request body did not arrive in time: connection closed");
        } catch (IOException e) {
            LOG.debug("client went away: %s", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("HTTP API failure: %s", LocalLog.describe(e));
        } finally {
            LOG.debug("%s %s -> %d (%d ms)", exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), status,
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    private HttpApiEvents.HttpResult respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();

        String declaredLength = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declaredLength != null && parseLong(declaredLength) > MAX_BODY_BYTES) {
            drain(exchange.getRequestBody());
            return json(413, "Request Entity Too Large");
        }
        byte[] body = readBody(exchange);
        if (body.length > MAX_BODY_BYTES) {
            drain(exchange.getRequestBody());
            return json(413, "Request Entity Too Large");
        }

        List<Entry<String, String>> headers = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        String socketIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        String sourceIp = sourceIp(socketIp, exchange.getRequestHeaders().getFirst("X-Forwarded-For"));
        // API Gateway appends the caller's address to X-Forwarded-For and adds the -Proto/-Port headers.
        String forwarded = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
        headers.removeIf(h -> h.getKey().equalsIgnoreCase("X-Forwarded-For"));
        headers.add(Map.entry("x-forwarded-for", forwarded == null || forwarded.isBlank() ? sourceIp : forwarded + ", " + socketIp));
        headers.add(Map.entry("x-forwarded-proto", "http"));
        headers.add(Map.entry("x-forwarded-port", String.valueOf(port())));
        return dispatch(new HttpApiEvents.RawRequest(method, rawPath, uri.getRawQuery(), headers, body, sourceIp,
                Instant.now()));
    }

    /**
     * What API Gateway answers a request that arrived whole: the route's function's response, or the edge's own
     * 400 (malformed percent-encoding in the path or query), 404 (no route), 413 or 502 (handler failure). The socket
     * path and in-process callers (tests sending many generated requests) share it.
     */
    public HttpApiEvents.HttpResult dispatch(HttpApiEvents.RawRequest request) {
        if (request.body().length > MAX_BODY_BYTES) {
            return json(413, "Request Entity Too Large");
        }
        Optional<HttpRoute.Match> match;
        APIGatewayV2HTTPEvent event;
        try {
            match = HttpRoute.select(routes, request.method().toUpperCase(Locale.ROOT), request.rawPath());
            if (match.isEmpty()) {
                return json(404, "Not Found");
            }
            event = HttpApiEvents.build(request, match.get(), accountId);
        } catch (IllegalArgumentException malformed) {
            // "%zz" or a lone "%" in the path or the query string: no function ever sees it.
            return json(400, "Bad Request");
        }
        Object output;
        try {
            output = invoker.invoke(match.get().route().functionLogicalId(), event);
        } catch (RuntimeException e) {
            LOG.warn("%s failed for %s: %s", match.get().route().functionLogicalId(), match.get().route().routeKey(),
                    LocalLog.describe(e.getCause() == null ? e : e.getCause()));
            return json(502, "Internal Server Error");
        }
        try {
            return HttpApiEvents.toResult(output);
        } catch (RuntimeException e) {
            LOG.warn("%s returned a response API Gateway cannot map: %s", match.get().route().functionLogicalId(), e.getMessage());
            return json(502, "Internal Server Error");
        }
    }

    private static final class BodyTimeoutException extends IOException {
        BodyTimeoutException() {
            super("request body timed out", null);
        }
    }

    /**
     * Reads the body on a virtual thread and waits at most the body timeout: the server's own read has none, so a
     * client declaring a longer Content-Length than it sends would otherwise hold this worker for ever.
     */
    private static byte[] readBody(HttpExchange exchange) throws IOException {
        java.util.concurrent.CompletableFuture<byte[]> read = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().name("http-api-body").start(() -> {
            try {
                read.complete(exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1));
            } catch (IOException | RuntimeException e) {
                read.completeExceptionally(e);
            }
        });
        try {
            return read.get(Long.getLong(BODY_TIMEOUT_MILLIS, 10_000L), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new BodyTimeoutException();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the body", e);
        }
    }

    static String sourceIp(String socketIp, String forwardedFor) {
        if (Boolean.getBoolean(TRUST_FORWARDED_FOR) && forwardedFor != null && !forwardedFor.isBlank()) {
            return forwardedFor.split(",")[0].trim();
        }
        return socketIp;
    }

    private static void write(HttpExchange exchange, HttpApiEvents.HttpResult result) throws IOException {
        result.headers().forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("content-length") && !name.equals("transfer-encoding") && !name.equals("connection")) {
                exchange.getResponseHeaders().add(h.getKey(), h.getValue());
            }
        });
        boolean noBody = result.body().length == 0 || result.status() == 204 || result.status() == 304
                || exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        exchange.sendResponseHeaders(result.status(), noBody ? -1 : result.body().length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(result.body());
            }
        }
    }

    private static HttpApiEvents.HttpResult json(int status, String message) {
        byte[] body = ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        return new HttpApiEvents.HttpResult(status, List.of(Map.entry("Content-Type", "application/json")), body);
    }

    /**
     * Reads and discards the rest of an oversized body (up to a bound), so the client gets to read the 413 instead of a
     * connection reset while it is still sending.
     */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = 8L * MAX_BODY_BYTES;
        int n;
        while (left > 0 && (n = in.read(buffer)) > 0) {
            left -= n;
        }
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
