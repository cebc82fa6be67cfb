package io.privacysuite.fulfilment;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.privacysuite.core.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractSequentialList;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One source's export records, spooled to a temporary file as they are found and read back, one at a time, each
 * time the export files are written: a subject's records never have to fit in memory, whatever their number (the
 * export format puts each source's count before its records, so they are written after the source is read). Numbers
 * read back as {@code BigDecimal} and maps keep their order, so the files say exactly what the records said.
 *
 * <p>Records stay in memory until their estimated size passes {@link #MEMORY_BUDGET}; only then do they all go to
 * the file. Most subjects have far fewer: their files are written straight from the records, without writing and
 * parsing the spool (the same bytes either way).
 */
final class SpooledRecords extends AbstractSequentialList<Map<String, Object>>
        implements AutoCloseable, JsonSerializable {
    private static final ObjectWriter WRITER = Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private static final ObjectReader READER = Json.MAPPER.readerFor(Map.class)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /**
     * Estimated bytes of records one source keeps in memory before spooling them all (the request processor has
     * 1 GB; a 10k-record subject of a few fields stays under it).
     */
    static final long MEMORY_BUDGET = 16L * 1024 * 1024;
    private final long budget;
    private List<Map<String, Object>> memory = new ArrayList<>();
    private long estimated;
    private Path file;
    private JsonGenerator out;
    private boolean finished;
    private int size;

    SpooledRecords() {
        this(MEMORY_BUDGET);
    }

    /** With another memory budget in estimated bytes (tests: 0 spools every record). */
    SpooledRecords(long budget) {
        this.budget = budget;
    }

    @Override
    public boolean add(Map<String, Object> record) {
        if (finished) {
            throw new IllegalStateException("spool already read");
        }
        if (memory != null) {
            memory.add(record);
            estimated += estimate(record);
            if (estimated > budget) {
                spill();
            }
        } else {
            write(record);
        }
        size++;
        return true;
    }

    /** Over budget: every record so far goes to the file, and so will the next ones. */
    private void spill() {
        try {
            file = Files.createTempFile("export-records", ".json");
            out = Json.MAPPER.getFactory().createGenerator(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024));
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not created", e);
        }
        List<Map<String, Object>> held = memory;
        memory = null;
        held.forEach(this::write);
    }

    private void write(Map<String, Object> record) {
        try {
            WRITER.writeValue(out, record);
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not written", e);
        }
    }

    /** Whether the records went to a file (more than the memory budget). */
    boolean spooled() {
        return file != null;
    }

    /** A rough size in memory (object headers, characters, entries), enough to bound what stays there. */
    private static long estimate(Object value) {
        if (value instanceof String text) {
            return 48 + 2L * text.length();
        }
        if (value instanceof Map<?, ?> map) {
            long bytes = 64;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                bytes += 40 + estimate(e.getKey()) + estimate(e.getValue());
            }
            return bytes;
        }
        if (value instanceof List<?> list) {
            long bytes = 48;
            for (Object element : list) {
                bytes += 8 + estimate(element);
            }
            return bytes;
        }
        return 48; // numbers, booleans, null
    }

    /** Ends writing; from now on the records can be read (any number of times). */
    SpooledRecords finish() {
        finished = true;
        try {
            if (out != null) {
                out.close();
                out = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not written", e);
        }
        return this;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ListIterator<Map<String, Object>> listIterator(int index) {
        if (index != 0 || !finished) {
            throw new UnsupportedOperationException("spooled records are read from the start, once written");
        }
        if (memory != null) {
            return java.util.Collections.unmodifiableList(memory).listIterator();
        }
        if (file == null) {
            throw new IllegalStateException("export records already released");
        }
        MappingIterator<Map<String, Object>> records;
        try {
            records = READER.readValues(Files.newInputStream(file));
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
                closeQuietly(records);
                return false;
            }

            @Override
            public Map<String, Object> next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                next++;
                return records.next();
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

    /**
     * Written into a JSON document token by token from the spool, never as maps: the same text (numbers exactly as
     * spooled, fields in order) for less work than reading each record back and serializing it again.
     */
    @Override
    public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
        if (!finished) {
            throw new IllegalStateException("spool still being written");
        }
        gen.writeStartArray(this, size);
        if (memory != null) {
            for (Map<String, Object> record : memory) {
                serializers.defaultSerializeValue(record, gen);
            }
            gen.writeEndArray();
            return;
        }
        if (file == null) {
            throw new IllegalStateException("export records already released");
        }
        try (JsonParser records = Json.MAPPER.getFactory().createParser(Files.newInputStream(file))) {
            for (int i = 0; i < size; i++) {
                records.nextToken();
                gen.copyCurrentStructureExact(records);
            }
        }
        gen.writeEndArray();
    }

    @Override
    public void serializeWithType(JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
            throws IOException {
        serialize(gen, serializers);
    }

    /** Deletes the file (Lambda reuses /tmp across invocations). */
    @Override
    public void close() {
        finished = true;
        memory = null;
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            if (file != null) {
                Files.deleteIfExists(file);
                file = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not deleted", e);
        }
    }

    private static void closeQuietly(MappingIterator<?> it) {
        try {
            it.close();
        } catch (IOException ignored) {
            // read to the end already; nothing is lost
        }
    }
}
