package io.privacysuite.fulfilment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** Where a request's export files are kept for the person to download, as long as their links work. */
public interface ExportStore {
    /** How long the emailed download links work (the files are kept that long). */
    Duration linkLifetime();

    /** Stores one file of a request's export; storing it again replaces it. */
    void put(String requestId, String fileName, String contentType, String content);

    /**
     * Stores one file that {@code content} writes as a stream; storing it again replaces it. Stores that can take a
     * stream (S3 multipart upload) never hold the whole file; this default gathers it and {@link #put}s it.
     */
    default void write(String requestId, String fileName, String contentType, Content content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            content.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        put(requestId, fileName, contentType, out.toString(StandardCharsets.UTF_8));
    }

    /** One file of an export: its name, its type, and what writes its bytes. */
    record File(String name, String contentType, Content content) {}

    /** Stores several files of a request's export; this default writes them one after the other. */
    default void writeAll(String requestId, List<File> files) {
        files.forEach(f -> write(requestId, f.name(), f.contentType(), f.content()));
    }

    /** A file's bytes, written to the stream it is given (which the writer may close). */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }
}
