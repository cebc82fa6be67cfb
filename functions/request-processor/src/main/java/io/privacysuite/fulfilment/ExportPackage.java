package io.privacysuite.fulfilment;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.privacysuite.core.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

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
    private static final ObjectWriter RECORDS = Json.MAPPER.writer()
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    /** The readable page's language and time zone: records found for it are rendered as they are found. */
    public record Page(String lang, java.time.ZoneId zone) {
        public Page {
            java.util.Objects.requireNonNull(zone, "zone");
        }
    }

    private final String requestId;
    private final String requestType;
    private final String email;
    private final Instant generatedAt;
    private final List<SourceOutcome> outcomes;
    private final int recordCount;

    private ExportPackage(String requestId, String requestType, String email, Instant generatedAt,
                          List<SourceOutcome> outcomes) {
        this.requestId = requestId;
        this.requestType = requestType;
        this.email = email;
        this.generatedAt = generatedAt;
        this.outcomes = List.copyOf(outcomes);
        this.recordCount = outcomes.stream().mapToInt(o -> o.records().size()).sum();
    }

    public static ExportPackage of(String requestId, String requestType, String email, Instant generatedAt,
                                   List<SourceOutcome> outcomes) {
        return new ExportPackage(requestId, requestType, email, generatedAt, outcomes);
    }

    public int recordCount() {
        return recordCount;
    }

    public String json() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writeJson(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * {@link #json()} written to a stream (UTF-8) as it is serialized, pretty-printed: no copy of the document is
     * built. Records serialized while their source was read ({@link SpooledRecords}) are copied as they are.
     */
    public void writeJson(OutputStream out) {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeStringField("schema", SCHEMA);
            g.writeNumberField("schemaVersion", SCHEMA_VERSION);
            g.writeStringField("requestId", requestId);
            g.writeStringField("requestType", requestType);
            g.writeStringField("generatedAt", generatedAt.toString());
            g.writeObjectFieldStart("subject");
            g.writeStringField("email", email);
            g.writeEndObject();
            g.writeObjectFieldStart("totals");
            g.writeNumberField("sources", outcomes.size());
            g.writeNumberField("records", recordCount);
            g.writeEndObject();
            g.writeArrayFieldStart("sources");
            for (SourceOutcome o : outcomes) {
                g.writeStartObject();
                g.writeStringField("id", o.sourceId());
                g.writeStringField("category", o.category());
                g.writeStringField("description", o.description());
                g.writeNumberField("recordCount", o.records().size());
                if (o.held() > 0) {
                    // Still data held about the person (Art. 15), kept under a legal hold: each such record is marked.
                    g.writeNumberField("heldRecords", o.held());
                }
                g.writeArrayFieldStart("records");
                if (o.records() instanceof SpooledRecords spool) {
                    // Their text as a generator at this depth writes it (SpooledRecords): the same bytes.
                    g.flush();
                    spool.copyJson(out);
                    g.writeEndArray();
                } else {
                    for (Map<String, Object> record : o.records()) {
                        RECORDS.writeValue(g, record);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
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
            writeHtml(h, stream, ExportTexts.in(lang), zone, contexts);
        } catch (IOException e) {
            throw new UncheckedIOException("export not written", e);
        }
    }

    private void writeHtml(Writer h, OutputStream stream, ExportTexts t, java.time.ZoneId zone,
                           Map<String, DataMap.Context> contexts) throws IOException {
        h.append("<!doctype html>\n<html lang=\"").append(t.lang()).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\"><title>").append(esc(t.text("title")))
                .append("</title><style>*{box-sizing:border-box}body{font-family:system-ui,sans-serif;line-height:1.5;")
                .append("color:#1a1a1a;max-width:40rem;margin:0 auto;padding:1rem;overflow-wrap:anywhere}")
                .append("dl.record{border:1px solid #bbb;border-radius:4px;padding:.5rem .75rem;margin:0 0 1rem}")
                .append("dl.record dt{font-weight:600;margin-top:.4rem}dl.record dd{margin:0}.context dt{font-weight:600}")
                .append(".context dd{margin:0 0 .5rem}h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem}")
                .append("</style></head><body><main>\n<h1>").append(esc(t.text("title"))).append("</h1>\n<p>")
                .append(esc(t.text("intro", t.dateTime(generatedAt, zone))))
                .append("</p>\n<p>").append(esc(t.plural("totals", recordCount()))).append("</p>\n");
        for (SourceOutcome s : outcomes) {
            List<Map<String, Object>> records = s.records();
            DataMap.Context context = contexts.getOrDefault(s.sourceId(), DataMap.Context.NONE);
            h.append("<section><h2>").append(esc(String.valueOf(s.description()))).append("</h2>\n<p>")
                    .append(esc(t.plural("records", records.size())));
            if (s.held() > 0) {
                h.append(' ').append(esc(t.plural("held", s.held())));
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
            if (records instanceof SpooledRecords spool && spool.hasRowsFor(t.lang(), zone, context)) {
                // Rendered while the source was read, for this very page: copied as they are.
                h.flush();
                spool.copyRows(stream);
            } else {
                HtmlRows rows = new HtmlRows(t.lang(), zone, context);
                for (Map<String, Object> record : records) {
                    rows.write(h, record);
                }
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
