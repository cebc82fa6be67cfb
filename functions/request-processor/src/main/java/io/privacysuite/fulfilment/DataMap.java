package io.privacysuite.fulfilment;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.RetentionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a person's data lives and what happens to it on each request: the data map (schema version 1). The build
 * bundles {@code config/data-map.json} (or {@code -Dprivacysuite.dataMap=...}) into the request processor's artifact
 * as {@link #RESOURCE} (see {@link DataMapBundle}), so a changed map is changed code: a new Lambda version. See README
 * "Data map" for the schema. {@code ${NAME}} in {@code table}, {@code url} and {@code secret} is replaced with the
 * function's environment variable {@code NAME}; secrets must be such references, never literals.
 */
public record DataMap(int schemaVersion, List<Source> sources) {
    public static final int SCHEMA_VERSION = 1;
    /** The bundled data map's place on the classpath. */
    public static final String RESOURCE = "privacysuite/data-map.json";
    /** Names a data map file to use instead of the bundled one (the local suite, tests and benchmarks). */
    public static final String FILE_VARIABLE = "DATA_MAP_FILE";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public enum Kind { DYNAMODB, WEBHOOK, SUITE }

    public enum Lookup { EMAIL, EMAIL_HASH, SUBJECT_ID }

    public enum ErasureMode { DELETE, ANONYMIZE, RETAIN }

    /** The suite's own data about a person. */
    public enum Dataset { CONSENTS, EMAIL_PREFERENCES, REQUESTS }

    /**
     * What erasure does to a source. {@code retain}: the items stay, flagged restricted when {@code restrict}, with
     * the legal basis and their own deletion date ({@code retainFor} from the erasure, e.g. {@code 10 fiscal years}
     * or {@code P10Y}) set as their TTL.
     */
    public record Erasure(ErasureMode mode, List<String> fields, String legalBasis, RetentionPeriod retainFor,
                          String dateAttribute, boolean restrict) {}

    public record Source(String id, Kind kind, String category, String description,
                         // dynamodb
                         String table, String index, String keyAttribute, Lookup lookup, String ttlAttribute,
                         List<String> rectifiable, String resolvesSubjectIds, String accountAttribute,
                         // webhook
                         String url, String secret, int connectTimeoutMs, int readTimeoutMs, int attempts,
                         // suite
                         Dataset dataset,
                         Erasure erasure,
                         Context context) {

        public Source {
            context = context == null ? Context.NONE : context;
        }

        /** A source without Art. 15 context (the export shows its description only). */
        public Source(String id, Kind kind, String category, String description, String table, String index,
                      String keyAttribute, Lookup lookup, String ttlAttribute, List<String> rectifiable,
                      String resolvesSubjectIds, String accountAttribute, String url, String secret,
                      int connectTimeoutMs, int readTimeoutMs, int attempts, Dataset dataset, Erasure erasure) {
            this(id, kind, category, description, table, index, keyAttribute, lookup, ttlAttribute, rectifiable,
                    resolvesSubjectIds, accountAttribute, url, secret, connectTimeoutMs, readTimeoutMs, attempts,
                    dataset, erasure, Context.NONE);
        }
    }

    /**
     * What GDPR Art. 15(1) asks to tell a person about each source, shown in the readable export: the purposes, who
     * receives the data, how long it is kept, where it came from, and plain labels for its fields. Each text is a
     * string or an object by language ({@code {"en": "...", "de": "..."}}); all optional.
     */
    public record Context(Map<String, String> purposes, Map<String, String> recipients, Map<String, String> retention,
                          Map<String, String> origin, Map<String, Map<String, String>> fieldLabels) {
        public static final Context NONE = new Context(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
        static final List<String> TEXTS = List.of("purposes", "recipients", "retention", "origin");

        /** The text in {@code lang}, else English, else the one given without a language; null if none. */
        public static String in(Map<String, String> text, String lang) {
            if (text.isEmpty()) {
                return null;
            }
            return text.getOrDefault(lang, text.getOrDefault("en", text.getOrDefault("*",
                    text.values().iterator().next())));
        }

        static Context parse(JsonNode n, String id) {
            if (n.isMissingNode() || n.isNull()) {
                return NONE;
            }
            if (!n.isObject()) {
                throw new InvalidDataMapException(id + ".context must be an object");
            }
            java.util.Iterator<String> names = n.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!TEXTS.contains(name) && !name.equals("fieldLabels")) {
                    throw new InvalidDataMapException(id + ".context." + name + " is unknown; known: "
                            + String.join(", ", TEXTS) + ", fieldLabels");
                }
            }
            Map<String, Map<String, String>> labels = new java.util.LinkedHashMap<>();
            n.path("fieldLabels").fields().forEachRemaining(e -> labels.put(e.getKey(),
                    text(e.getValue(), id + ".context.fieldLabels." + e.getKey())));
            return new Context(text(n.path("purposes"), id + ".context.purposes"),
                    text(n.path("recipients"), id + ".context.recipients"),
                    text(n.path("retention"), id + ".context.retention"), text(n.path("origin"), id + ".context.origin"),
                    Map.copyOf(labels));
        }

        private static Map<String, String> text(JsonNode n, String where) {
            if (n.isMissingNode() || n.isNull()) {
                return Map.of();
            }
            if (n.isTextual()) {
                return Map.of("*", n.textValue());
            }
            if (n.isObject()) {
                Map<String, String> byLang = new java.util.LinkedHashMap<>();
                n.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        throw new InvalidDataMapException(where + "." + e.getKey() + " must be text");
                    }
                    byLang.put(e.getKey(), e.getValue().textValue());
                });
                return Map.copyOf(byLang);
            }
            throw new InvalidDataMapException(where + " must be text or an object of texts by language");
        }
    }

    /** Thrown for a data map that cannot be used; the message names the source and field. */
    public static final class InvalidDataMapException extends RuntimeException {
        public InvalidDataMapException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The function's data map: the file {@value #FILE_VARIABLE} names, else the one bundled in the artifact. Never the
     * value of an environment variable: Lambda allows 4 KB for a function's whole environment.
     */
    public static DataMap load(Env env) {
        return parse(text(env), env);
    }

    /** The function's data map as written (placeholders unresolved): the file {@value #FILE_VARIABLE} names, else the bundled one. */
    public static String text(Env env) {
        return env.find(FILE_VARIABLE).map(DataMap::readFile).orElseGet(DataMap::readBundled);
    }

    private static String readFile(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(FILE_VARIABLE + " names a file that cannot be read: " + path, e);
        }
    }

    private static String readBundled() {
        try (InputStream in = DataMap.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new InvalidDataMapException("no data map: " + RESOURCE + " is not in the artifact and "
                        + FILE_VARIABLE + " is not set");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment variables a data map's {@code ${NAME}} placeholders need, in order of first use. */
    public static Set<String> variables(String json) {
        Set<String> names = new java.util.LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(json);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Parses and checks a data map; placeholders are resolved from {@code env}. */
    public static DataMap parse(String json, Env env) {
        JsonNode root;
        try {
            root = Json.read(json);
        } catch (IOException e) {
            throw new InvalidDataMapException("data map is not JSON");
        }
        if (root.path("schemaVersion").asInt(-1) != SCHEMA_VERSION) {
            throw new InvalidDataMapException("data map schemaVersion must be " + SCHEMA_VERSION);
        }
        if (!root.path("sources").isArray()) {
            throw new InvalidDataMapException("data map needs a sources array");
        }
        List<Source> sources = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonNode node : root.path("sources")) {
            Source source = source(node, env);
            if (!ids.add(source.id())) {
                throw new InvalidDataMapException("duplicate source id " + source.id());
            }
            sources.add(source);
        }
        return new DataMap(SCHEMA_VERSION, List.copyOf(sources));
    }

    private static Source source(JsonNode n, Env env) {
        String id = n.path("id").asText("");
        if (!ID.matcher(id).matches()) {
            throw new InvalidDataMapException("source id '" + id + "' must be lower-case letters, digits and dashes");
        }
        Kind kind = enumValue(Kind.class, n.path("kind").asText(""), id, "kind");
        String category = required(n, "category", id);
        String description = n.path("description").asText(category);
        Erasure erasure = erasure(n.path("erasure"), id);
        List<String> rectifiable = new ArrayList<>();
        n.path("rectifiable").forEach(f -> rectifiable.add(f.asText()));
        return switch (kind) {
            case DYNAMODB -> {
                JsonNode lookup = n.path("lookup");
                Lookup by = enumValue(Lookup.class, lookup.path("by").asText("email"), id, "lookup.by");
                String resolves = n.hasNonNull("resolvesSubjectIds") ? n.get("resolvesSubjectIds").asText() : null;
                if (resolves != null && by == Lookup.SUBJECT_ID) {
                    // Identifiers derive from the verified address only: no chains from one id to the next.
                    throw new InvalidDataMapException(id + ".resolvesSubjectIds needs lookup.by email or emailHash");
                }
                if (erasure.mode() == ErasureMode.RETAIN && erasure.dateAttribute() == null) {
                    throw new InvalidDataMapException(id + ".erasure.dateAttribute is required for retain: the retention"
                            + " period counts from the data's own date");
                }
                yield new Source(id, kind, category, description, resolve(required(n, "table", id), env, id, false),
                        n.hasNonNull("index") ? n.get("index").asText() : null,
                        required(lookup, "attribute", id + ".lookup"), by,
                        n.path("ttlAttribute").asText(RetentionPolicy.TTL_ATTRIBUTE), List.copyOf(rectifiable), resolves,
                        n.hasNonNull("accountAttribute") ? n.get("accountAttribute").asText() : null,
                        null, null, 0, 0, 0, null, erasure, Context.parse(n.path("context"), id));
            }
            case WEBHOOK -> {
                String secret = required(n, "secret", id);
                if (!PLACEHOLDER.matcher(secret).matches()) {
                    throw new InvalidDataMapException(id + ".secret must be a ${ENV_VAR} reference, never a literal");
                }
                String url = webhookUrl(resolve(required(n, "url", id), env, id, false), env.isLocalRun(), id);
                yield new Source(id, kind, category, description, null, null, null, null, null, List.of(), null, null,
                        url, resolve(secret, env, id, true),
                        n.path("connectTimeoutMs").asInt(2000), n.path("readTimeoutMs").asInt(5000),
                        Math.max(1, Math.min(5, n.path("attempts").asInt(3))), null, erasure,
                        Context.parse(n.path("context"), id));
            }
            case SUITE -> new Source(id, kind, category, description, null, null, null, null, null, List.of(), null,
                    null, null, null, 0, 0, 0, enumValue(Dataset.class, n.path("dataset").asText(""), id, "dataset"), erasure,
                    Context.parse(n.path("context"), id));
        };
    }

    private static Erasure erasure(JsonNode n, String id) {
        ErasureMode mode = enumValue(ErasureMode.class, n.path("mode").asText(""), id, "erasure.mode");
        List<String> fields = new ArrayList<>();
        n.path("fields").forEach(f -> fields.add(f.asText()));
        if (mode == ErasureMode.ANONYMIZE && fields.isEmpty()) {
            throw new InvalidDataMapException(id + ".erasure.fields: anonymize needs the fields to remove");
        }
        if (mode != ErasureMode.RETAIN) {
            return new Erasure(mode, List.copyOf(fields), null, null, null, false);
        }
        String basis = required(n, "legalBasis", id + ".erasure");
        RetentionPeriod period;
        try {
            period = RetentionPeriod.parse(required(n, "retainFor", id + ".erasure"));
        } catch (IllegalArgumentException e) {
            throw new InvalidDataMapException(id + ".erasure.retainFor: " + e.getMessage());
        }
        return new Erasure(mode, List.of(), basis, period,
                n.hasNonNull("dateAttribute") ? n.get("dateAttribute").asText() : null, n.path("restrict").asBoolean(true));
    }

    private static String required(JsonNode n, String field, String where) {
        String value = n.path(field).asText("");
        if (value.isBlank()) {
            throw new InvalidDataMapException(where + "." + field + " is required");
        }
        return value;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String id, String field) {
        String constant = value.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, constant);
        } catch (IllegalArgumentException e) {
            throw new InvalidDataMapException(id + "." + field + " '" + value + "' is not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

    /**
     * Parsed, never prefix-matched ({@code http://localhost.evil.example} starts like localhost): https with a host
     * and no user info; plain http only to an exact loopback host and only in a local run.
     */
    static String webhookUrl(String raw, boolean localRun, String id) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(raw);
        } catch (java.net.URISyntaxException e) {
            throw new InvalidDataMapException(id + ".url is not a URL");
        }
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new InvalidDataMapException(id + ".url must be scheme://host[:port]/path with no user or fragment");
        }
        if (!io.privacysuite.core.http.PublicBaseUrl.httpsOrLocalLoopback(uri, localRun)) {
            throw new InvalidDataMapException(id + ".url must be https (plain http only to 127.0.0.1 or localhost, "
                    + "in a local run)");
        }
        return uri.toString();
    }

    private static String resolve(String value, Env env, String id, boolean secret) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String resolved = env.find(name).orElseThrow(() -> new InvalidDataMapException(
                    id + " refers to ${" + name + "}, which is not set" + (secret ? "" : " in the environment")));
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
