package io.privacysuite.fulfilment;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.privacysuite.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.AbstractSequentialList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One source's export records, serialized as they are found, while the source is still being read: each record's
 * text in {@code export.json} (pretty-printed at the depth it has there) and, when the readable page's language and
 * zone are known ({@link ExportPackage.Page}), its rows of {@code export.html}. The export format puts each source's
 * count and the totals before the records, so the files are written once every source is read: their records are
 * then a byte copy ({@link ExportPackage}), never serialized again. The bytes stay in memory up to a budget per file
 * ({@link ByteSpool}), then go to a temporary file: memory stays flat whatever the number of records.
 *
 * <p>As a list, the records are read back from their JSON (numbers as {@code BigDecimal} or integers, fields in
 * order), any number of times, each time from the start.
 */
final class SpooledRecords extends AbstractSequentialList<Map<String, Object>> implements AutoCloseable {
    private static final ObjectWriter WRITER = Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private static final ObjectReader READER = Json.MAPPER.readerFor(Map.class)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /**
     * Bytes of one file's records (JSON, or the page's rows) one source keeps in memory before spooling them to a
     * temporary file (the request processor has 1 GB; a 10k-record subject of a few fields stays under it).
     */
    static final long MEMORY_BUDGET = 8L * 1024 * 1024;
    private final ByteSpool json;
    private final Gate gate;
    private final JsonGenerator generator;
    private final HtmlRows rows;
    private final ByteSpool html;
    private final Writer htmlOut;
    private boolean finished;
    private int size;

    SpooledRecords() {
        this(MEMORY_BUDGET);
    }

    /** With another memory budget in bytes per file (tests: 0 spools every record), and no readable rows. */
    SpooledRecords(long budget) {
        this(budget, null, null);
    }

    /**
     * @param page    the readable page's language and zone, or null: its rows are then rendered when it is written
     * @param context the source's data-map context (labels, for the rows)
     */
    SpooledRecords(long budget, ExportPackage.Page page, DataMap.Context context) {
        this.json = new ByteSpool(budget, ".json");
        this.gate = new Gate(json);
        try {
            // The records' text as it reads in export.json: the generator is put at their depth there (the root
            // object, a source in the sources array, its records array) while its output is shut, then opened.
            generator = Json.MAPPER.getFactory().createGenerator(gate, JsonEncoding.UTF8);
            generator.setPrettyPrinter(new DefaultPrettyPrinter());
            generator.writeStartObject();
            generator.writeFieldName("sources");
            generator.writeStartArray();
            generator.writeStartObject();
            generator.writeFieldName("records");
            generator.writeStartArray();
            generator.flush();
            gate.open = true;
        } catch (IOException e) {
            json.release();
            throw new UncheckedIOException("export spool not created", e);
        }
        if (page != null) {
            this.rows = new HtmlRows(page.lang(), page.zone(), context);
            this.html = new ByteSpool(budget, ".html");
            this.htmlOut = new java.io.BufferedWriter(new OutputStreamWriter(html, StandardCharsets.UTF_8), 8 * 1024);
        } else {
            this.rows = null;
            this.html = null;
            this.htmlOut = null;
        }
    }

    @Override
    public boolean add(Map<String, Object> record) {
        if (finished) {
            throw new IllegalStateException("spool already read");
        }
        try {
            WRITER.writeValue(generator, record);
            if (rows != null) {
                rows.write(htmlOut, record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not written", e);
        }
        size++;
        return true;
    }

    /** Whether the records went to a file (more than the memory budget). */
    boolean spooled() {
        return json.spooled() || (html != null && html.spooled());
    }

    /** Ends writing; from now on the records can be read (any number of times). */
    SpooledRecords finish() {
        if (finished) {
            return this;
        }
        finished = true;
        try {
            generator.flush();
            gate.open = false; // closing the generator closes the arrays and objects it opened: not the records'
            generator.close();
            json.finish();
            if (htmlOut != null) {
                htmlOut.flush();
                html.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not written", e);
        }
        return this;
    }

    /**
     * The records as they read in {@code export.json} between the {@code [} and the {@code ]} of the source's
     * records (written by a generator with the default pretty printer at that depth).
     */
    void copyJson(OutputStream out) throws IOException {
        json.copyTo(out);
    }

    /** Whether the rows were rendered as a page in {@code lang} and {@code zone} with {@code context} shows them. */
    boolean hasRowsFor(String lang, ZoneId zone, DataMap.Context context) {
        return rows != null && rows.sameAs(lang, zone, context);
    }

    /** The records' rows of the readable page, as rendered when they were found. */
    void copyRows(OutputStream out) throws IOException {
        html.copyTo(out);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ListIterator<Map<String, Object>> listIterator(int index) {
        if (index != 0) {
            throw new UnsupportedOperationException("spooled records are read from the start");
        }
        json.checkReadable();
        JsonParser parser;
        try {
            // The records' text is an array's content: read as the array it is in the file.
            InputStream in = new SequenceInputStream(java.util.Collections.enumeration(List.of(
                    new java.io.ByteArrayInputStream(new byte[] {'['}), json.open(),
                    new java.io.ByteArrayInputStream(new byte[] {']'}))));
            parser = Json.MAPPER.getFactory().createParser(in);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException("export spool is not an array");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not readable", e);
        }
        return new ListIterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next < size) {
                    return true;
                }
                closeQuietly(parser);
                return false;
            }

            @Override
            public Map<String, Object> next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                next++;
                try {
                    parser.nextToken();
                    return READER.readValue(parser);
                } catch (IOException e) {
                    closeQuietly(parser);
                    throw new UncheckedIOException("export spool not readable", e);
                }
            }

            @Override
            public boolean hasPrevious() {
                return false;
            }

            @Override
            public Map<String, Object> previous() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextIndex() {
                return next;
            }

            @Override
            public int previousIndex() {
                return next - 1;
            }

            @Override
            public void remove() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void set(Map<String, Object> e) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void add(Map<String, Object> e) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Frees the memory and deletes the files (Lambda reuses /tmp across invocations). */
    @Override
    public void close() {
        finished = true;
        gate.open = false;
        try {
            generator.close();
        } catch (IOException ignored) {
            // the bytes are released next
        }
        json.release();
        if (html != null) {
            html.release();
        }
    }

    private static void closeQuietly(JsonParser parser) {
        try {
            parser.close();
        } catch (IOException ignored) {
            // read to the end already; nothing is lost
        }
    }

    /** Passes bytes on while open, drops them while shut (the generator's wrapping around the records). */
    private static final class Gate extends OutputStream {
        private final OutputStream target;
        private boolean open;

        Gate(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            if (open) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (open) {
                target.write(b, off, len);
            }
        }

        @Override
        public void close() {
            // the spool is finished or released by its owner
        }
    }
}
