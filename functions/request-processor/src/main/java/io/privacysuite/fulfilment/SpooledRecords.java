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
import java.util.ListIterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One source's export records, spooled to a temporary file as they are found and read back, one at a time, each
 * time the export files are written: a subject's records never have to fit in memory, whatever their number (the
 * export format puts each source's count before its records, so they are written after the source is read). Numbers
 * read back as {@code BigDecimal} and maps keep their order, so the files say exactly what the records said.
 */
final class SpooledRecords extends AbstractSequentialList<Map<String, Object>>
        implements AutoCloseable, JsonSerializable {
    private static final ObjectWriter WRITER = Json.MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private static final ObjectReader READER = Json.MAPPER.readerFor(Map.class)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final Path file;
    private JsonGenerator out;
    private int size;

    SpooledRecords() {
        try {
            file = Files.createTempFile("export-records", ".json");
            out = Json.MAPPER.getFactory().createGenerator(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024));
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not created", e);
        }
    }

    @Override
    public boolean add(Map<String, Object> record) {
        if (out == null) {
            throw new IllegalStateException("spool already read");
        }
        try {
            WRITER.writeValue(out, record);
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not written", e);
        }
        size++;
        return true;
    }

    /** Ends writing; from now on the records can be read (any number of times). */
    SpooledRecords finish() {
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
        if (index != 0 || out != null) {
            throw new UnsupportedOperationException("spooled records are read from the start, once written");
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
        if (out != null) {
            throw new IllegalStateException("spool still being written");
        }
        gen.writeStartArray(this, size);
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
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            Files.deleteIfExists(file);
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
