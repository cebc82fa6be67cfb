package io.privacysuite.local.api;

import io.privacysuite.local.template.Props;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API description ({@code docs/openapi.yaml}, OpenAPI 3.1) read as plain YAML, its routes, and a plain HTML
 * rendering the local suite serves at {@code /api/} (no renderer fetched from a CDN at run time).
 */
public final class ApiDocs {
    public static final String FILE = "docs/openapi.yaml";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch");

    private final Map<String, Object> doc;

    private ApiDocs(Map<String, Object> doc) {
        this.doc = doc;
    }

    public static ApiDocs load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static ApiDocs parse(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object loaded = new Yaml(new SafeConstructor(options)).load(yaml);
        if (!(loaded instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("an OpenAPI document is a mapping");
        }
        return new ApiDocs(map(loaded));
    }

    public Map<String, Object> document() {
        return doc;
    }

    /** Every operation as {@code "METHOD /path"}, the way template.yaml's HttpApi events name routes. */
    public Set<String> routes() {
        Set<String> routes = new LinkedHashSet<>();
        map(doc.get("paths")).forEach((path, item) -> map(item).keySet().stream().filter(METHODS::contains)
                .forEach(method -> routes.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        return routes;
    }

    /** The operation object of a route, e.g. {@code operation("POST", "/v1/requests")}. */
    public Map<String, Object> operation(String method, String path) {
        return map(map(map(doc.get("paths")).get(path)).get(method.toLowerCase(Locale.ROOT)));
    }

    /** A page listing every route with its parameters, bodies and answers; the YAML is linked for tools. */
    public String html() {
        Map<String, Object> info = map(doc.get("info"));
        StringBuilder out = new StringBuilder(32_768);
        out.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(String.valueOf(info.get("title")))).append("</title><style>")
                .append("body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}")
                .append("h3{font-family:monospace;border-top:1px solid #ccd;padding-top:1rem}")
                .append(".m{display:inline-block;min-width:4.5rem;font-weight:bold}")
                .append("pre{background:#f4f6f9;padding:.6rem;overflow-x:auto;font-size:13px}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left;vertical-align:top}")
                .append("</style></head><body>");
        out.append("<h1>").append(esc(String.valueOf(info.get("title")))).append(" <small>")
                .append(esc(String.valueOf(info.get("version")))).append("</small></h1>");
        out.append("<p>OpenAPI ").append(esc(String.valueOf(doc.get("openapi"))))
                .append(": <a href=\"openapi.yaml\">openapi.yaml</a></p>");
        out.append("<pre>").append(esc(String.valueOf(info.getOrDefault("description", "")))).append("</pre>");
        out.append("<h2>Routes</h2><ul>");
        for (String route : routes()) {
            out.append("<li><a href=\"#").append(anchor(route)).append("\"><code>").append(esc(route))
                    .append("</code></a></li>");
        }
        out.append("</ul>");
        for (String route : routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            Map<String, Object> op = operation(method, path);
            out.append("<h3 id=\"").append(anchor(route)).append("\"><span class=\"m\">").append(method)
                    .append("</span>").append(esc(path)).append("</h3>");
            out.append("<p><strong>").append(esc(String.valueOf(op.getOrDefault("summary", "")))).append("</strong></p>");
            if (op.containsKey("description")) {
                out.append("<p>").append(esc(String.valueOf(op.get("description")))).append("</p>");
            }
            List<Object> parameters = list(op.get("parameters"));
            if (!parameters.isEmpty()) {
                out.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>about</th></tr>");
                for (Object p : parameters) {
                    Map<String, Object> param = resolve(p);
                    out.append("<tr><td><code>").append(esc(String.valueOf(param.get("name")))).append("</code></td><td>")
                            .append(esc(String.valueOf(param.get("in")))).append("</td><td>")
                            .append(Boolean.TRUE.equals(param.get("required")) ? "yes" : "").append("</td><td><code>")
                            .append(esc(brief(param.get("schema")))).append("</code></td><td>")
                            .append(esc(String.valueOf(param.getOrDefault("description", "")))).append("</td></tr>");
                }
                out.append("</table>");
            }
            Map<String, Object> body = map(op.get("requestBody"));
            map(body.get("content")).forEach((type, content) -> out.append("<p>Body <code>").append(esc(type))
                    .append("</code></p><pre>").append(esc(yaml(map(content).get("schema")))).append("</pre>"));
            out.append("<table><tr><th>answer</th><th></th></tr>");
            map(op.get("responses")).forEach((status, r) -> {
                Map<String, Object> response = resolve(r);
                out.append("<tr><td>").append(esc(status)).append("</td><td>")
                        .append(esc(String.valueOf(response.getOrDefault("description", ""))));
                map(response.get("content")).forEach((type, content) -> out.append("<br><code>").append(esc(type))
                        .append(" ").append(esc(brief(map(content).get("schema")))).append("</code>"));
                out.append("</td></tr>");
            });
            out.append("</table>");
        }
        out.append("<h2>Schemas</h2>");
        map(map(doc.get("components")).get("schemas")).forEach((name, schema) -> out.append("<h4 id=\"schema-")
                .append(esc(name)).append("\">").append(esc(name)).append("</h4><pre>").append(esc(yaml(schema)))
                .append("</pre>"));
        return out.append("</body></html>").toString();
    }

    /** A {@code $ref} to components, followed; anything else as it is. */
    public Map<String, Object> resolve(Object node) {
        Map<String, Object> m = map(node);
        Object ref = m.get("$ref");
        if (ref instanceof String s && s.startsWith("#/")) {
            Object target = doc;
            for (String part : s.substring(2).split("/")) {
                target = map(target).get(part);
            }
            return map(target);
        }
        return m;
    }

    private static String brief(Object schema) {
        Map<String, Object> m = map(schema);
        if (m.get("$ref") instanceof String ref) {
            return ref.substring(ref.lastIndexOf('/') + 1);
        }
        List<String> parts = new ArrayList<>();
        for (String key : List.of("type", "format", "enum", "const", "pattern", "minimum")) {
            if (m.containsKey(key)) {
                parts.add(key.equals("type") ? String.valueOf(m.get(key)) : key + " " + m.get(key));
            }
        }
        return String.join(", ", parts);
    }

    private static String yaml(Object node) {
        org.yaml.snakeyaml.DumperOptions options = new org.yaml.snakeyaml.DumperOptions();
        options.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
        options.setWidth(110);
        return new Yaml(options).dump(node).strip();
    }

    private static String anchor(String route) {
        return route.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Map<String, Object> map(Object o) {
        return Props.map(o);
    }

    private static List<Object> list(Object o) {
        return Props.list(o);
    }
}
