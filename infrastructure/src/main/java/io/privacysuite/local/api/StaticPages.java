package io.privacysuite.local.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A fixed list of files served under one prefix: each name maps to a file or a classpath resource, read at every
 * request (an edited demo page shows on reload). Nothing outside the list is reachable, so no path is ever resolved
 * from what a browser sends.
 */
public final class StaticPages implements HttpHandler {
    /** One servable file: where its bytes come from and its content type. */
    public record Page(Supplier<InputStream> source, String contentType) {
        public static Page file(Path path) {
            return new Page(() -> {
                try {
                    return Files.newInputStream(path);
                } catch (IOException e) {
                    return null;
                }
            }, typeOf(path.getFileName().toString()));
        }

        public static Page resource(String name) {
            return new Page(() -> StaticPages.class.getClassLoader().getResourceAsStream(name), typeOf(name));
        }

        public static Page text(String body, String contentType) {
            return new Page(() -> new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    contentType);
        }
    }

    private final String prefix;
    private final Map<String, Page> pages;

    /** {@code pages} by their name below {@code prefix}; the name {@code ""} is the prefix itself. */
    public StaticPages(String prefix, Map<String, Page> pages) {
        this.prefix = prefix;
        this.pages = Map.copyOf(pages);
    }

    static String typeOf(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js") || name.endsWith(".mjs")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        if (name.endsWith(".yaml")) {
            return "application/yaml; charset=utf-8";
        }
        return "application/octet-stream";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            String path = exchange.getRequestURI().getRawPath();
            Page page = path.startsWith(prefix) ? pages.get(path.substring(prefix.length())) : null;
            if (!head && !method.equals("GET")) {
                send(exchange, 405, "text/plain; charset=utf-8", "Method Not Allowed".getBytes(), false);
                return;
            }
            byte[] body = null;
            if (page != null) {
                try (InputStream in = page.source().get()) {
                    body = in == null ? null : in.readAllBytes();
                }
            }
            if (body == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "Not Found".getBytes(), head);
                return;
            }
            send(exchange, 200, page.contentType(), body, head);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, boolean head)
            throws IOException {
        exchange.getResponseHeaders().set("content-type", type);
        exchange.getResponseHeaders().set("cache-control", "no-store");
        exchange.getResponseHeaders().set("x-content-type-options", "nosniff");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
