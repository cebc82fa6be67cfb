package io.privacysuite.fulfilment;

import io.privacysuite.core.Forked;
import io.privacysuite.requests.ExportFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Puts export files in the exports bucket ({@link ExportFiles#key}, SSE; the bucket's lifecycle deletes them after
 * 7 days). Nothing is presigned here: the emailed links point at the requests API, which presigns a short link at each
 * click with the credentials it has then. Writing the same key again overwrites it, so a redelivered request does not
 * leave copies. A file written as a stream goes up in parts of {@link #PART_SIZE} (multipart upload) as it is written,
 * so its size never has to fit in memory; a file smaller than one part is one PutObject.
 */
public final class S3ExportStore implements ExportStore {
    /** Bytes per uploaded part: above S3's 5 MiB minimum; 10,000 parts make 80 GB, far beyond any export. */
    public static final int PART_SIZE = 8 * 1024 * 1024;
    private final S3Client s3;
    private final String bucket;
    private final Duration linkLifetime;
    private final int partSize;

    public S3ExportStore(S3Client s3, String bucket, Duration linkLifetime) {
        this(s3, bucket, linkLifetime, PART_SIZE);
    }

    /** With another part size (at least S3's 5 MiB minimum): tests upload many parts without writing 8 MiB each. */
    public S3ExportStore(S3Client s3, String bucket, Duration linkLifetime, int partSize) {
        if (linkLifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("the bucket keeps exports 7 days: links cannot outlive them");
        }
        if (partSize < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("S3 parts (but the last) are at least 5 MiB");
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.linkLifetime = linkLifetime;
        this.partSize = partSize;
    }

    /**
     * The exports bucket's client: path-style against an endpoint override (S3Mock, LocalStack), virtual-hosted on
     * AWS. Bodies go as they are, never re-encoded in signed aws-chunked form: each carries its CRC32 (S3 checks it),
     * over HTTPS the payload is not signed anyway, and over a plain-HTTP emulator it is signed whole.
     */
    public static S3Client client(io.privacysuite.core.aws.AwsClients aws) {
        return aws.build(S3Client.builder().forcePathStyle(aws.endpointFor("S3").isPresent())
                .serviceConfiguration(c -> c.chunkedEncodingEnabled(false)), "S3");
    }

    @Override
    public Duration linkLifetime() {
        return linkLifetime;
    }

    @Override
    public void put(String requestId, String fileName, String contentType, String content) {
        write(requestId, fileName, contentType, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Override
    public void write(String requestId, String fileName, String contentType, Content content) {
        Upload upload = new Upload(requestId, fileName, contentType);
        try {
            content.writeTo(upload);
            upload.close();
        } catch (IOException | RuntimeException e) {
            upload.abort();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Uploads the files side by side, each from its own thread (each file reads what it needs itself), and returns
     * once every upload has ended (an interrupt does not cut the wait short: {@link Forked#join}); the first failure
     * is thrown, the others added to it.
     */
    @Override
    public void writeAll(String requestId, List<File> files) {
        List<Forked<Void>> others = new ArrayList<>();
        for (File f : files.subList(1, files.size())) {
            others.add(Forked.run(Thread.ofVirtual().name("export-upload-" + f.name()),
                    () -> write(requestId, f.name(), f.contentType(), f.content())));
        }
        Throwable failure = null;
        try {
            File first = files.get(0);
            write(requestId, first.name(), first.contentType(), first.content());
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Forked<Void> upload : others) {
            try {
                upload.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    /** The stream a file is written to: one part buffered at a time; the upload starts once a part is full. */
    private final class Upload extends OutputStream {
        private final String key;
        private final String fileName;
        private final String contentType;
        private final String requestId;
        private final byte[] buffer = new byte[partSize];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int filled;
        private String uploadId;
        private boolean closed;

        Upload(String requestId, String fileName, String contentType) {
            this.key = ExportFiles.key(requestId, fileName);
            this.fileName = fileName;
            this.contentType = contentType;
            this.requestId = requestId;
        }

        @Override
        public void write(int b) {
            if (filled == buffer.length) {
                flushPart();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (filled == buffer.length) {
                    flushPart();
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void flushPart() {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType(contentType)
                        .serverSideEncryption(ServerSideEncryption.AES256).checksumAlgorithm(ChecksumAlgorithm.CRC32)
                        .contentDisposition(disposition()).metadata(Map.of("request-id", requestId))).uploadId();
            }
            int number = parts.size() + 1;
            String crc = crc32();
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                    .checksumCRC32(crc), body()).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).checksumCRC32(crc).build());
            filled = 0;
        }

        /** Finishes the file (idempotent: writers such as Jackson close the stream they were given). */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (uploadId == null) {
                String crc = crc32();
                s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType).checksumCRC32(crc)
                                .serverSideEncryption(ServerSideEncryption.AES256)
                                .contentDisposition(disposition()).metadata(Map.of("request-id", requestId)),
                        body());
                return;
            }
            if (filled > 0) {
                flushPart();
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        }

        /** A failed file leaves no parts behind (they would be billed until the bucket's abort rule). */
        void abort() {
            closed = true;
            if (uploadId != null) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // The original failure is what the caller needs; the bucket's lifecycle aborts leftovers too.
                }
            }
        }

        /**
         * The buffer's CRC32 as S3 spells it. Given with the request, S3 checks it and the SDK sends the bytes as they
         * are; left to the SDK, it streams them in signed aws-chunked encoding with the checksum as a trailer.
         */
        private String crc32() {
            CRC32 crc = new CRC32();
            crc.update(buffer, 0, filled);
            long value = crc.getValue();
            return java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
                    (byte) (value >>> 8), (byte) value});
        }

        /** The buffer's bytes as they are (no copy); a retry reads them again from the start. */
        private RequestBody body() {
            int length = filled;
            return RequestBody.fromContentProvider(() -> new java.io.ByteArrayInputStream(buffer, 0, length), length,
                    contentType);
        }

        /** The readable page opens in the browser; the machine-readable file is saved. */
        private String disposition() {
            return (fileName.endsWith(".html") ? "inline" : "attachment") + "; filename=\"" + fileName + "\"";
        }
    }
}
