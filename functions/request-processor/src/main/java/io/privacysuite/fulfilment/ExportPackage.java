package io.privacysuite.fulfilment;

import io.privacysuite.core.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access/portability package, schema {@value #SCHEMA} version {@value #SCHEMA_VERSION} (README "Export
 * format"): {@code {schema, schemaVersion, requestId, requestType, generatedAt, subject:{email},
 * totals:{sources, records}, sources:[{id, category, description, recordCount, heldRecords?, records:[{...}]}]}} -
 * records as the source holds them (DynamoDB items as plain JSON); a record a legal hold covers carries
 * {@code heldUnderLegalHold: true}. Plus an HTML rendering of the same content for people.
 */
public final class ExportPackage {
    public static final String SCHEMA = "privacysuite.dsar-export";
    public static final int SCHEMA_VERSION = 1;

    private final Map<String, Object> document;

    private ExportPackage(Map<String, Object> document) {
        this.document = document;
    }

    public static ExportPackage of(String requestId, String requestType, String email, Instant generatedAt,
                                   List<SourceOutcome> outcomes) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema", SCHEMA);
        doc.put("schemaVersion", SCHEMA_VERSION);
        doc.put("requestId", requestId);
        doc.put("requestType", requestType);
        doc.put("generatedAt", generatedAt.toString());
        doc.put("subject", Map.of("email", email));
        int records = 0;
        List<Map<String, Object>> sources = new java.util.ArrayList<>();
        for (SourceOutcome o : outcomes) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("id", o.sourceId());
            s.put("category", o.category());
            s.put("description", o.description());
            s.put("recordCount", o.records().size());
            if (o.held() > 0) {
                // Still data held about the person (Art. 15), kept under a legal hold: each such record is marked.
                s.put("heldRecords", o.held());
            }
            s.put("records", o.records());
            sources.add(s);
            records += o.records().size();
        }
        doc.put("totals", Map.of("sources", outcomes.size(), "records", records));
        doc.put("sources", sources);
        return new ExportPackage(doc);
    }

    public int recordCount() {
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) document.get("totals");
        return (Integer) totals.get("records");
    }

    public String json() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writeJson(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@link #json()} written to a stream (UTF-8) as it is serialized: no copy of the document is built. */
    public void writeJson(OutputStream out) {
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, document);
        } catch (IOException e) {
            throw new UncheckedIOException("export not written", e);
        }
    }

    /** The readable page in English with dates in UTC and no data-map context (tests, and old callers). */
    public String html() {
        return html("en", java.time.ZoneOffset.UTC, Map.of());
    }

    /**
     * The same content as a page a person can read (README "Export format"): in their language, phone-width, plain
     * labels (the data map's, else the field name in words), dates in {@code zone}, internal fields left out (keys,
     * hashes, retention codes; an expiry becomes "kept until"), and per source what Art. 15 asks: purposes,
     * recipients, how long it is kept, where it came from ({@code contexts}, by source id), and the right to complain.
     */
    public String html(String lang, java.time.ZoneId zone, Map<String, DataMap.Context> contexts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writeHtml(out, lang, zone, contexts);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@link #html(String, java.time.ZoneId, Map)} written to a stream (UTF-8) record by record. */
    public void writeHtml(OutputStream stream, String lang, java.time.ZoneId zone, Map<String, DataMap.Context> contexts) {
        try (Writer h = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024)) {
            writeHtml(h, ExportTexts.in(lang), zone, contexts);
        } catch (IOException e) {
            throw new UncheckedIOException("export not written", e);
        }
    }

    @SuppressWarnings("unchecked")
    private void writeHtml(Writer h, ExportTexts t, java.time.ZoneId zone, Map<String, DataMap.Context> contexts)
            throws IOException {
        h.append("<!doctype html>\n<html lang=\"").append(t.lang()).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\"><title>").append(esc(t.text("title")))
                .append("</title><style>*{box-sizing:border-box}body{font-family:system-ui,sans-serif;line-height:1.5;")
                .append("color:#1a1a1a;max-width:40rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}")
                .append("dl.record{border:1px solid #bbb;border-radius:4px;padding:.5rem .75rem;margin:0 0 1rem}")
                .append("dl.record dt{font-weight:600;margin-top:.4rem}dl.record dd{margin:0}.context dt{font-weight:600}")
                .append(".context dd{margin:0 0 .5rem}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}")
                .append("</style></head><body><main>\n<h1>").append(esc(t.text("title"))).append("</h1>\n<p>")
                .append(esc(t.text("intro", t.dateTime(Instant.parse(String.valueOf(document.get("generatedAt"))), zone))))
                .append("</p>\n<p>").append(esc(t.plural("totals", recordCount()))).append("</p>\n");
        for (Map<String, Object> s : (List<Map<String, Object>>) document.get("sources")) {
            List<Map<String, Object>> records = (List<Map<String, Object>>) s.get("records");
            DataMap.Context context = contexts.getOrDefault(String.valueOf(s.get("id")), DataMap.Context.NONE);
            h.append("<section><h2>").append(esc(String.valueOf(s.get("description")))).append("</h2>\n<p>")
                    .append(esc(t.plural("records", records.size())));
            if (s.containsKey("heldRecords")) {
                h.append(' ').append(esc(t.plural("held", ((Number) s.get("heldRecords")).longValue())));
            }
            h.append("</p>\n");
            StringBuilder about = new StringBuilder();
            for (String field : DataMap.Context.TEXTS) {
                Map<String, String> text = switch (field) {
                    case "purposes" -> context.purposes();
                    case "recipients" -> context.recipients();
                    case "retention" -> context.retention();
                    default -> context.origin();
                };
                String shown = DataMap.Context.in(text, t.lang());
                if (shown != null) {
                    about.append("<dt>").append(esc(t.text("context." + field))).append("</dt><dd>").append(esc(shown))
                            .append("</dd>");
                }
            }
            if (!about.isEmpty()) {
                h.append("<dl class=\"context\">").append(about).append("</dl>\n");
            }
            // A source's records share their fields: each field's label (escaped), or null when internal, once.
            Map<String, Optional<String>> labels = new java.util.HashMap<>();
            for (Map<String, Object> record : records) {
                h.append("<dl class=\"record\">");
                for (Map.Entry<String, Object> field : record.entrySet()) {
                    String k = field.getKey();
                    Optional<String> label = labels.computeIfAbsent(k, key -> ExportTexts.isInternal(key)
                            ? Optional.empty()
                            : Optional.of(esc(Optional.ofNullable(context.fieldLabels().get(key))
                                    .map(byLang -> DataMap.Context.in(byLang, t.lang())).orElseGet(() -> t.label(key)))));
                    if (label.isEmpty()) {
                        continue;
                    }
                    h.append("<dt>").append(label.get()).append("</dt><dd>").append(esc(t.value(k, field.getValue(), zone)))
                            .append("</dd>");
                }
                h.append("</dl>\n");
            }
            h.append("</section>\n");
        }
        h.append("<h2>").append(esc(t.text("rights.title"))).append("</h2>\n<p>").append(esc(t.text("rights.body")))
                .append("</p>\n<p>").append(esc(t.text("json"))).append("</p>\n");
        h.append("</main></body></html>\n");
    }

    /** HTML-escaped text; most values need nothing, and then no copy is made (a page escapes every value). */
    static String esc(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '&' || c == '<' || c == '>' || c == '"') {
                StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
                for (int j = i; j < s.length(); j++) {
                    char d = s.charAt(j);
                    switch (d) {
                        case '&' -> out.append("&amp;");
                        case '<' -> out.append("&lt;");
                        case '>' -> out.append("&gt;");
                        case '"' -> out.append("&quot;");
                        default -> out.append(d);
                    }
                }
                return out.toString();
            }
        }
        return s;
    }
}
