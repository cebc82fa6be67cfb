package io.privacysuite.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Random;

/**
 * Generates hostile variants of a well-formed request: malformed and deeply nested JSON, duplicate keys, sizes
 * around every limit, invalid UTF-8 and control characters in every field, long and odd ids, odd query strings,
 * headers and methods. Deterministic for a seed, so a failure is replayed with {@code -Dhostile.seed=N}.
 */
final class HostileInputs {
    /** The body limits the suite documents (consents 8 KB, data subject requests 16 KB). */
    static final int[] LIMITS = {8 * 1024, 16 * 1024};
    private static final ObjectMapper PLAIN = new ObjectMapper();
    /**
     * Writes trees as deep as the mutations make them: a body parsed at Jackson's read limit (1000 levels) and
     * mutated once more is deeper than its writers allow by default, and must still be sent.
     */
    private static final ObjectMapper DEEP = com.fasterxml.jackson.databind.json.JsonMapper.builder(
            com.fasterxml.jackson.core.JsonFactory.builder().streamWriteConstraints(
                    com.fasterxml.jackson.core.StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
                    .build()).build();
    private static final String[] ODD_TEXT = {"\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\r", "\u001b[31m",
            "\u007f", "\u0085", "\u00a0", "\u2028", "\u2029", "\u202e", "\u200b", "\ufeff", "\ufffd", "\ud800",
            "\udfff", "\ud83d\ude00", "\uffff", "%00", "%0d%0a", "../../", "<script>alert(1)</script>", "' OR 1=1 --",
            "${jndi:ldap://x}", "{{7*7}}", "\\", "\"", "\u0130", "\u0131", "\u1e9e", "\u00df", "a\u0301", "\uff21"};
    private static final String[] METHODS = {"HEAD", "PATCH", "DELETE", "TRACE", "CONNECT", "PROPFIND", "FOO",
            "GET", "POST", "PUT", "OPTIONS", "post", "G\u00c9T"};
    private static final byte[][] BAD_UTF8 = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xc0, (byte) 0xaf},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xe2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xfe, (byte) 0xff}, {0x00}};

    /** A well-formed request of a route: the starting point every variant mutates. */
    record Seed(String method, String pathTemplate, Map<String, String> pathParameters, String rawQuery,
                List<Entry<String, String>> headers, byte[] body) {}

    /** One generated request; {@code kinds} says which mutations made it. */
    record Input(String kinds, String method, String rawPath, String rawQuery, List<Entry<String, String>> headers,
                 byte[] body, String sourceIp) {
        String describe() {
            String text = new String(body, StandardCharsets.UTF_8);
            return kinds + " " + method + " " + abbreviate(rawPath) + "?" + abbreviate(rawQuery) + " headers="
                    + abbreviate(headers.toString()) + " body(" + body.length + ")=" + abbreviate(text);
        }
    }

    private final Random random;

    HostileInputs(long seed) {
        this.random = new Random(seed);
    }

    Input next(Seed seed) {
        Mutable m = new Mutable(seed);
        int count = 1 + random.nextInt(3);
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            kinds.add(mutate(m));
        }
        return new Input(String.join("+", kinds), m.method, m.rawPath(), m.rawQuery, List.copyOf(m.headers), m.body,
                randomIp());
    }

    /** A hostile variant of a console event (a JSON object): a map, a JSON string or a raw string. */
    Object nextConsoleEvent(JsonNode seed, List<String> knownActions, List<String> kinds) {
        ObjectNode event = seed.deepCopy();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(20);
            switch (pick) {
                case 0 -> {
                    kinds.add("malformed");
                    return malformedJson(text(event).getBytes(StandardCharsets.UTF_8));
                }
                case 1 -> {
                    kinds.add("duplicate_key");
                    return duplicateKey(text(event));
                }
                case 2 -> {
                    kinds.add("deep");
                    int depth = pickOf(List.of(10, 100, 500, 990, 1001, 5000));
                    if (depth > 990) {
                        // Deeper than any JSON writer here goes: sent as text, as the console would pass it on.
                        String text = text(event);
                        return text.substring(0, text.lastIndexOf('}')) + ",\"deep\":" + "[".repeat(depth)
                                + "]".repeat(depth) + "}";
                    }
                    deepen(event, depth);
                }
                case 3 -> {
                    kinds.add("action");
                    event.put("action", pickOf(List.of(knownActions.get(random.nextInt(knownActions.size())),
                            oddString(), "", "ACTION".repeat(random.nextInt(3)),
                            knownActions.get(0).toUpperCase(java.util.Locale.ROOT))));
                }
                default -> {
                    kinds.add(mutateTree(event));
                }
            }
        }
        return DEEP.convertValue(event, Map.class);
    }

    private String mutate(Mutable m) {
        int pick = random.nextInt(100);
        if (pick < 8) {
            m.body = malformedJson(m.body);
            return "malformed_json";
        }
        if (pick < 14) {
            m.body = deepJson(m.body);
            return "deep_json";
        }
        if (pick < 20) {
            m.body = duplicateKey(new String(m.body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            return "duplicate_key";
        }
        if (pick < 28) {
            m.body = aroundLimit(m.body);
            return "size_" + m.body.length;
        }
        if (pick < 35) {
            m.body = invalidUtf8(m.body);
            if (random.nextBoolean()) {
                // Not a text type: API Gateway passes the bytes base64-encoded, so they reach the handler as sent.
                m.setHeader("content-type", "application/octet-stream");
            }
            return "invalid_utf8";
        }
        if (pick < 55) {
            JsonNode tree = parse(m.body);
            if (tree == null || !tree.isContainerNode()) {
                tree = JsonNodeFactory.instance.objectNode().put("field", "value");
            }
            String kind = mutateTree(tree);
            m.body = text(tree).getBytes(StandardCharsets.UTF_8);
            return kind;
        }
        if (pick < 67 && !m.pathParameters.isEmpty()) {
            List<String> names = new ArrayList<>(m.pathParameters.keySet());
            String name = names.get(random.nextInt(names.size()));
            m.pathParameters.put(name, oddId(m.pathParameters.get(name)));
            return "path_" + name;
        }
        if (pick < 77) {
            m.rawQuery = oddQuery(m.rawQuery);
            return "query";
        }
        if (pick < 93) {
            return oddHeader(m);
        }
        m.method = METHODS[random.nextInt(METHODS.length)];
        return "method_" + m.method;
    }

    /** Changes one field of a JSON tree (nested ones included): odd text, another type, huge, gone, or an extra. */
    private String mutateTree(JsonNode tree) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(tree, containers);
        if (containers.isEmpty()) {
            return "scalar_body";
        }
        JsonNode container = containers.get(random.nextInt(containers.size()));
        List<String> fields = new ArrayList<>();
        if (container instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(fields::add);
        }
        int pick = random.nextInt(6);
        if (container instanceof ArrayNode array) {
            if (array.isEmpty() || pick == 5) {
                array.add(oddValue());
            } else {
                array.set(random.nextInt(array.size()), oddValue());
            }
            return "array_item";
        }
        ObjectNode object = (ObjectNode) container;
        if (fields.isEmpty() || pick == 5) {
            object.set(random.nextBoolean() ? oddString() : "unexpected", oddValue());
            return "extra_field";
        }
        String field = fields.get(random.nextInt(fields.size()));
        switch (pick) {
            case 0, 1 -> {
                JsonNode current = object.get(field);
                String text = current != null && current.isValueNode() ? current.asText() : "x";
                object.put(field, insertOdd(text));
                return "control_" + field;
            }
            case 2 -> {
                object.set(field, oddValue());
                return "type_" + field;
            }
            case 3 -> {
                int length = pickOf(List.of(64, 127, 128, 129, 255, 256, 257, 1000, 1024, 2048, 4096, 8000, 20_000));
                object.put(field, repeatTo(pickOf(List.of("a", "\u00e9", "\ud83d\ude00", "%", "0")), length));
                return "long_" + field;
            }
            default -> {
                object.remove(field);
                return "missing_" + field;
            }
        }
    }

    private void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collectContainers(it.next(), out);
            }
        }
    }

    private JsonNode oddValue() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(14)) {
            case 0 -> f.nullNode();
            case 1 -> f.booleanNode(random.nextBoolean());
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.numberNode(new java.math.BigDecimal("1e" + (300 + random.nextInt(10_000))));
            case 4 -> f.numberNode(-0.0);
            case 5 -> f.arrayNode().add("a").add(1).addNull();
            case 6 -> f.objectNode().put("nested", oddString());
            case 7 -> f.textNode("");
            case 8 -> f.textNode(" ");
            case 9 -> f.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(400))));
            case 10 -> f.textNode("true");
            case 11 -> f.arrayNode();
            default -> f.textNode(oddString());
        };
    }

    private String oddString() {
        StringBuilder s = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            s.append(random.nextBoolean() ? ODD_TEXT[random.nextInt(ODD_TEXT.length)] : "x");
        }
        return s.toString();
    }

    private String insertOdd(String text) {
        int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
        return text.substring(0, at) + ODD_TEXT[random.nextInt(ODD_TEXT.length)] + text.substring(at);
    }

    private byte[] malformedJson(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return (switch (random.nextInt(16)) {
            case 0 -> text.isEmpty() ? "{" : text.substring(0, random.nextInt(text.length()));
            case 1 -> text + "}";
            case 2 -> text + " {\"trailing\":1}";
            case 3 -> "{\"a\":}";
            case 4 -> "{a:1}";
            case 5 -> "{'a':'b'}";
            case 6 -> "{\"a\":NaN}";
            case 7 -> "/* c */" + text;
            case 8 -> "\ufeff" + text;
            case 9 -> "";
            case 10 -> "null";
            case 11 -> pickOf(List.of("[]", "[" + text + "]", "\"text\"", "123", "true", "0123"));
            case 12 -> text.replaceFirst(":", "");
            case 13 -> text.replaceFirst(",", ",,");
            case 14 -> "{\"a\":\"unterminated";
            default -> text.replace("\"", "");
        }).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] deepJson(byte[] body) {
        int depth = pickOf(List.of(64, 100, 999, 1000, 1001, 2000, 10_000, 100_000));
        boolean arrays = random.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        JsonNode tree = parse(body);
        if (tree instanceof ObjectNode && random.nextBoolean()) {
            String text = new String(body, StandardCharsets.UTF_8);
            int brace = text.lastIndexOf('}');
            return (text.substring(0, brace) + (tree.isEmpty() ? "" : ",") + "\"deep\":" + nested + "}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        return nested.getBytes(StandardCharsets.UTF_8);
    }

    private void deepen(ObjectNode event, int depth) {
        ObjectNode node = event.putObject("deep");
        for (int i = 0; i < depth; i++) {
            node = node.putObject("a");
        }
    }

    private String duplicateKey(String text) {
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("\"([^\"\\\\]{1,40})\"\\s*:").matcher(text);
        List<String> keys = new ArrayList<>();
        while (key.find()) {
            keys.add(key.group(1));
        }
        String name = keys.isEmpty() ? "a" : keys.get(random.nextInt(keys.size()));
        String value = pickOf(List.of("\"other\"", "null", "1", "{}", "[]", "\"\""));
        int brace = text.lastIndexOf('}');
        if (brace < 0) {
            return "{\"" + name + "\":1,\"" + name + "\":2}";
        }
        String before = text.substring(0, brace);
        return before + (before.strip().endsWith("{") ? "" : ",") + "\"" + name + "\":" + value + text.substring(brace);
    }

    /** The body padded (in one string field) to exactly a limit, one below or one above. */
    private byte[] aroundLimit(byte[] body) {
        int limit = random.nextInt(20) == 0 ? 64 * 1024 : LIMITS[random.nextInt(LIMITS.length)];
        int target = limit + random.nextInt(3) - 1;
        JsonNode tree = parse(body);
        ObjectNode object = tree instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
        List<String> fields = new ArrayList<>();
        object.fieldNames().forEachRemaining(fields::add);
        String field = fields.isEmpty() || random.nextInt(4) == 0 ? "padding" : fields.get(random.nextInt(fields.size()));
        object.put(field, "");
        int base = text(object).getBytes(StandardCharsets.UTF_8).length;
        object.put(field, "p".repeat(Math.max(0, target - base)));
        return text(object).getBytes(StandardCharsets.UTF_8);
    }

    /** Invalid UTF-8 bytes put inside a string value (or anywhere when the body has none). */
    private byte[] invalidUtf8(byte[] body) {
        byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
        List<Integer> quotes = new ArrayList<>();
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '"') {
                quotes.add(i);
            }
        }
        int at = quotes.isEmpty() ? random.nextInt(body.length + 1) : quotes.get(random.nextInt(quotes.size())) + 1;
        if (at > body.length) {
            at = body.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(body, 0, at);
        out.writeBytes(bad);
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    /** An id that is not one: too long, odd characters, look-alikes of real ids. */
    private String oddId(String real) {
        return switch (random.nextInt(12)) {
            case 0 -> repeatTo("a", pickOf(List.of(127, 128, 129, 256, 1024, 10_000)));
            case 1 -> real.toUpperCase(java.util.Locale.ROOT);
            case 2 -> real + oddString();
            case 3 -> oddString();
            case 4 -> "..";
            case 5 -> real.replace("-", "");
            case 6 -> real.substring(0, Math.max(1, real.length() - 1));
            case 7 -> "00000000-0000-0000-0000-000000000000";
            case 8 -> java.util.UUID.randomUUID().toString();
            case 9 -> real + "/" + real;
            case 10 -> "\u0000" + real;
            default -> "%2e%2e%2f" + real;
        };
    }

    /** Percent-encodes a path parameter the way a client must (so the decoded value is the odd one). */
    static String encodeSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String oddQuery(String query) {
        String base = query == null ? "" : query;
        List<String> pairs = new ArrayList<>(base.isEmpty() ? List.of() : List.of(base.split("&")));
        switch (random.nextInt(9)) {
            case 0 -> pairs.add(pairs.isEmpty() ? "token=a" : pairs.get(random.nextInt(pairs.size())));
            case 1 -> pairs.add("token=%zz");
            case 2 -> pairs.add("key=%");
            case 3 -> {
                if (!pairs.isEmpty()) {
                    pairs.remove(random.nextInt(pairs.size()));
                }
            }
            case 4 -> {
                if (!pairs.isEmpty()) {
                    int i = random.nextInt(pairs.size());
                    String name = pairs.get(i).split("=", 2)[0];
                    pairs.set(i, name + "=" + URLEncoder.encode(oddString(), StandardCharsets.UTF_8));
                }
            }
            case 5 -> {
                if (!pairs.isEmpty()) {
                    int i = random.nextInt(pairs.size());
                    String name = pairs.get(i).split("=", 2)[0];
                    pairs.set(i, name + "=" + repeatTo("A", pickOf(List.of(129, 1024, 8192, 65_536))));
                }
            }
            case 6 -> pairs.add(URLEncoder.encode(oddString(), StandardCharsets.UTF_8) + "=1");
            case 7 -> pairs.add("version=" + pickOf(List.of("-1", "0", "99999999999999999999", "1.5", "1e3", "")));
            default -> pairs.add("preferences=" + pickOf(List.of("maybe", "TRUE", "1", "", "true,false")));
        }
        return String.join("&", pairs);
    }

    private String oddHeader(Mutable m) {
        switch (random.nextInt(10)) {
            case 0 -> {
                m.setHeader("content-type", pickOf(List.of("text/plain", "application/json; charset=iso-8859-1",
                        "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/xml",
                        "application/json" + ";x".repeat(100), "", "APPLICATION/JSON", "application/jsonx")));
                return "header_content_type";
            }
            case 1 -> {
                m.removeHeader("content-type");
                return "header_no_content_type";
            }
            case 2 -> {
                m.setHeader("origin", pickOf(List.of("null", "https://evil.example", "http://shop.example.com",
                        "https://shop.example.com.evil.example", "https://SHOP.EXAMPLE.COM", "https://shop.example.com/",
                        "https://shop.example.com:443", "https://" + repeatTo("a", 5000) + ".example", "*",
                        "https://xn--80ak6aa92e.com", oddString())));
                return "header_origin";
            }
            case 3 -> {
                m.removeHeader("origin");
                return "header_no_origin";
            }
            case 4 -> {
                m.setHeader("sec-gpc", pickOf(List.of("1", "0", "true", "", "1,1", "2", oddString())));
                return "header_gpc";
            }
            case 5 -> {
                m.setHeader("accept-language", pickOf(List.of("*", "xx", "fr-FR;q=abc", repeatTo("de,", 8000),
                        "en;q=0.1, nl;q=1e9", oddString())));
                return "header_language";
            }
            case 6 -> {
                m.headers.add(Map.entry("cookie", pickOf(List.of("a=b", ";;;", "x=" + repeatTo("y", 4000), oddString()))));
                return "header_cookie";
            }
            case 7 -> {
                String name = m.headers.isEmpty() ? "origin" : m.headers.get(random.nextInt(m.headers.size())).getKey();
                m.headers.add(Map.entry(name, oddString()));
                return "header_repeated";
            }
            case 8 -> {
                m.setHeader(pickOf(List.of("sec-fetch-site", "referer", "user-agent", "x-forwarded-for")),
                        pickOf(List.of("cross-site", "same-origin", "none", oddString(), repeatTo("z", 10_000))));
                return "header_odd";
            }
            default -> {
                m.headers.add(Map.entry(oddHeaderName(), oddString()));
                return "header_unknown";
            }
        }
    }

    private String oddHeaderName() {
        return pickOf(List.of("x-" + repeatTo("h", 500), "content-length", "transfer-encoding", "host", "x-amzn-trace-id"));
    }

    private String randomIp() {
        if (random.nextInt(4) == 0) {
            return String.format("2001:db8:%x:%x::%x", random.nextInt(65_536), random.nextInt(65_536), 1 + random.nextInt(65_535));
        }
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static String text(JsonNode tree) {
        try {
            return DEEP.writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? null : PLAIN.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private <T> T pickOf(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static String repeatTo(String unit, int length) {
        return unit.repeat(Math.max(1, length / unit.length()));
    }

    static String abbreviate(String s) {
        String escaped = s == null ? "" : s.codePoints().limit(300).collect(StringBuilder::new,
                (b, c) -> b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : new String(Character.toChars(c))),
                StringBuilder::append).toString();
        return s != null && s.length() > 300 ? escaped + "…(" + s.length() + ")" : escaped;
    }

    private static final class Mutable {
        String method;
        final String pathTemplate;
        final Map<String, String> pathParameters;
        String rawQuery;
        final List<Entry<String, String>> headers;
        byte[] body;

        Mutable(Seed seed) {
            this.method = seed.method();
            this.pathTemplate = seed.pathTemplate();
            this.pathParameters = new LinkedHashMap<>(seed.pathParameters());
            this.rawQuery = seed.rawQuery();
            this.headers = new ArrayList<>(seed.headers());
            this.body = seed.body();
        }

        String rawPath() {
            String path = pathTemplate;
            for (Entry<String, String> p : pathParameters.entrySet()) {
                String encoded = path.contains("{" + p.getKey() + "+}")
                        ? String.join("/", java.util.Arrays.stream(p.getValue().split("/", -1))
                                .map(HostileInputs::encodeSegment).toList())
                        : encodeSegment(p.getValue());
                path = path.replace("{" + p.getKey() + "}", encoded).replace("{" + p.getKey() + "+}", encoded);
            }
            return path;
        }

        void setHeader(String name, String value) {
            removeHeader(name);
            headers.add(Map.entry(name, value));
        }

        void removeHeader(String name) {
            headers.removeIf(h -> h.getKey().equalsIgnoreCase(name));
        }
    }
}
