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

    /** The same content as a self-contained HTML page: one section per source, one table row per record field. */
    public String html() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writeHtml(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@link #html()} written to a stream (UTF-8) record by record. */
    public void writeHtml(OutputStream stream) {
        try (Writer h = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024)) {
            writeHtml(h);
        } catch (IOException e) {
            throw new UncheckedIOException("export not written", e);
        }
    }

    @SuppressWarnings("unchecked")
    private void writeHtml(Writer h) throws IOException {
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Your personal data</title>")
                .append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;")
                .append("margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}")
                .append("</style></head><body>\n<h1>Your personal data</h1>\n<p>Request ")
                .append(esc(String.valueOf(document.get("requestId")))).append(", generated ")
                .append(esc(String.valueOf(document.get("generatedAt")))).append(". The file export.json holds the same ")
                .append("data in a machine-readable format (schema ").append(SCHEMA).append(" v").append(String.valueOf(SCHEMA_VERSION))
                .append(").</p>\n");
        for (Map<String, Object> s : (List<Map<String, Object>>) document.get("sources")) {
            List<Map<String, Object>> records = (List<Map<String, Object>>) s.get("records");
            h.append("<h2>").append(esc(String.valueOf(s.get("description")))).append("</h2>\n<p>")
                    .append(String.valueOf(records.size())).append(" record(s), category ").append(esc(String.valueOf(s.get("category"))));
            if (s.containsKey("heldRecords")) {
                h.append("; ").append(String.valueOf(s.get("heldRecords"))).append(" kept under a legal hold (for legal claims; "
                        + "their use is restricted)");
            }
            h.append("</p>\n");
            int n = 0;
            for (Map<String, Object> record : records) {
                h.append("<table><caption>#").append(String.valueOf(++n)).append("</caption>\n");
                for (Map.Entry<String, Object> field : record.entrySet()) {
                    Object v = field.getValue();
                    h.append("<tr><th>").append(esc(field.getKey())).append("</th><td>")
                            .append(esc(v instanceof Map || v instanceof List ? Json.write(v) : String.valueOf(v)))
                            .append("</td></tr>\n");
                }
                h.append("</table>\n");
            }
        }
        h.append("</body></html>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
