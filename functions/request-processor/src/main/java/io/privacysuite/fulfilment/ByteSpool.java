package io.privacysuite.fulfilment;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Bytes written once, then read any number of times from the start: held in memory in chunks until they pass a
 * budget, then all of them go to a temporary file, and so does every later byte. Not thread-safe.
 */
final class ByteSpool extends OutputStream {
    static final String FILE_PREFIX = "export-records";
    private static final int CHUNK = 64 * 1024;
    private final long budget;
    private final String suffix;
    private List<byte[]> chunks = new ArrayList<>();
    private int used = CHUNK; // bytes used in the last chunk; a full one means "start a new chunk"
    private long size;
    private Path file;
    private OutputStream out;
    private boolean finished;
    private boolean released;

    /** @param budget bytes kept in memory at most; {@code suffix} names the file's kind (".json", ".html") */
    ByteSpool(long budget, String suffix) {
        this.budget = budget;
        this.suffix = suffix;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (finished) {
            throw new IllegalStateException("spool already read");
        }
        size += length;
        if (file == null && size > budget) {
            spill();
        }
        if (file != null) {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException("export spool not written", e);
            }
            return;
        }
        while (length > 0) {
            if (used == CHUNK) {
                chunks.add(new byte[CHUNK]);
                used = 0;
            }
            int n = Math.min(length, CHUNK - used);
            System.arraycopy(bytes, offset, chunks.get(chunks.size() - 1), used, n);
            used += n;
            offset += n;
            length -= n;
        }
    }

    /** Over budget: the bytes so far go to the file, and so will the next ones. */
    private void spill() {
        try {
            file = Files.createTempFile(FILE_PREFIX, suffix);
            out = new BufferedOutputStream(Files.newOutputStream(file), CHUNK);
            for (int i = 0; i < chunks.size(); i++) {
                out.write(chunks.get(i), 0, i == chunks.size() - 1 ? used : CHUNK);
            }
        } catch (IOException e) {
            release();
            throw new UncheckedIOException("export spool not created", e);
        }
        chunks = null;
    }

    /** Ends writing: from now on the bytes can be read (any number of times). */
    void finish() {
        finished = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("export spool not written", e);
            } finally {
                out = null;
            }
        }
    }

    long size() {
        return size;
    }

    /** Whether the bytes went to a file (more than the budget). */
    boolean spooled() {
        return file != null;
    }

    /** Copies every byte to {@code target}, in order. */
    void copyTo(OutputStream target) throws IOException {
        checkReadable();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(target);
            }
            return;
        }
        for (int i = 0; i < chunks.size(); i++) {
            target.write(chunks.get(i), 0, i == chunks.size() - 1 ? used : CHUNK);
        }
    }

    /** The bytes, streamed from the start. */
    InputStream open() throws IOException {
        checkReadable();
        if (file != null) {
            return Files.newInputStream(file);
        }
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            parts.add(new java.io.ByteArrayInputStream(chunks.get(i), 0, i == chunks.size() - 1 ? used : CHUNK));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    void checkReadable() {
        if (released) {
            throw new IllegalStateException("export records already released");
        }
        if (!finished) {
            throw new IllegalStateException("spool still being written");
        }
    }

    /** Frees the memory and deletes the file (Lambda reuses /tmp across invocations). */
    void release() {
        finished = true;
        released = true;
        chunks = null;
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // the file is deleted next; nothing in it matters any more
        } finally {
            out = null;
        }
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export spool not deleted", e);
        } finally {
            file = null;
        }
    }
}
