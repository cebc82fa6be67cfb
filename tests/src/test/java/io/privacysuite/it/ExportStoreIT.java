package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.fulfilment.ExportStore;
import io.privacysuite.fulfilment.S3ExportStore;
import io.privacysuite.requests.ExportFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** Export files streamed into the exports bucket on the emulator: one PutObject when small, multipart when not. */
class ExportStoreIT extends IntegrationTest {
    private static final int PART = 5 * 1024 * 1024;
    private static S3Client s3;
    private static String bucket;

    @BeforeAll
    static void clients() {
        Env env = stack.env("RequestProcessorFunction");
        s3 = S3ExportStore.client(new AwsClients(env));
        bucket = env.require("EXPORTS_BUCKET");
    }

    @Test
    void shouldUploadAStreamLargerThanOnePart_inParts_withTheBytesInOrder() {
        S3ExportStore store = new S3ExportStore(s3, bucket, Duration.ofDays(7), PART);
        String requestId = UUID.randomUUID().toString();
        byte[] expected = pattern(2 * PART + 12_345);

        store.write(requestId, ExportFiles.JSON, "application/json", out -> {
            // Odd-sized writes cross part boundaries; single bytes too.
            for (int from = 0; from < expected.length; from += 70_001) {
                out.write(expected, from, Math.min(70_000, expected.length - from));
                if (from + 70_000 < expected.length) {
                    out.write(expected[from + 70_000]);
                }
            }
        });

        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(g -> g.bucket(bucket).key(ExportFiles.key(requestId, ExportFiles.JSON)));
        assertThat(got.asByteArray()).isEqualTo(expected);
        assertThat(got.response().contentType()).isEqualTo("application/json");
        assertThat(got.response().contentDisposition()).isEqualTo("attachment; filename=\"export.json\"");
        // A multipart object's ETag is the digest of its parts' digests and their count: three parts here.
        // (SSE is asked for in CreateMultipartUpload; S3Mock 4.9.1 reports it for single puts only, checked below.)
        assertThat(got.response().eTag()).matches("\"?[0-9a-f]{32}-3\"?");
    }

    @Test
    void shouldPutASmallFileInOneRequest_andReplaceItWhenWrittenAgain() {
        S3ExportStore store = new S3ExportStore(s3, bucket, Duration.ofDays(7), PART);
        String requestId = UUID.randomUUID().toString();
        store.put(requestId, ExportFiles.HTML, "text/html; charset=utf-8", "<p>first, longer than the second</p>");
        store.put(requestId, ExportFiles.HTML, "text/html; charset=utf-8", "<p>é</p>");

        var got = s3.getObjectAsBytes(g -> g.bucket(bucket).key(ExportFiles.key(requestId, ExportFiles.HTML)));
        assertThat(got.asString(StandardCharsets.UTF_8)).isEqualTo("<p>é</p>");
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        // The CRC32 the store computed went with the bytes, and S3 kept the one it checked.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("<p>é</p>".getBytes(StandardCharsets.UTF_8));
        String expected = java.util.Base64.getEncoder().encodeToString(
                java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        assertThat(s3.headObject(h -> h.bucket(bucket).key(ExportFiles.key(requestId, ExportFiles.HTML))
                .checksumMode(software.amazon.awssdk.services.s3.model.ChecksumMode.ENABLED)).checksumCRC32())
                .isEqualTo(expected);
    }

    @Test
    void shouldLeaveNoFileAndNoUpload_whenTheWriterFailsAfterSomeParts() {
        S3ExportStore store = new S3ExportStore(s3, bucket, Duration.ofDays(7), PART);
        String requestId = UUID.randomUUID().toString();
        String key = ExportFiles.key(requestId, ExportFiles.JSON);

        assertThatThrownBy(() -> store.write(requestId, ExportFiles.JSON, "application/json", out -> {
            out.write(pattern(PART + 10));
            throw new IOException("source failed mid-export");
        })).hasMessageContaining("source failed mid-export");

        assertThatThrownBy(() -> s3.headObject(h -> h.bucket(bucket).key(key))).isInstanceOf(
                software.amazon.awssdk.services.s3.model.S3Exception.class);
        assertThat(s3.listMultipartUploads(l -> l.bucket(bucket).prefix(key)).uploads()).isEmpty();
    }

    @Test
    void shouldUploadAnExportsFilesSideBySide_andReportAFailedOneOnceEveryUploadHasEnded() {
        S3ExportStore store = new S3ExportStore(s3, bucket, Duration.ofDays(7), PART);
        String requestId = UUID.randomUUID().toString();
        byte[] json = pattern(PART + 77);
        byte[] html = "<p>é</p>".getBytes(StandardCharsets.UTF_8);

        store.writeAll(requestId, List.of(new ExportStore.File(ExportFiles.JSON, "application/json", out -> out.write(json)),
                new ExportStore.File(ExportFiles.HTML, "text/html; charset=utf-8", out -> out.write(html))));

        assertThat(s3.getObjectAsBytes(g -> g.bucket(bucket).key(ExportFiles.key(requestId, ExportFiles.JSON)))
                .asByteArray()).isEqualTo(json);
        var page = s3.getObjectAsBytes(g -> g.bucket(bucket).key(ExportFiles.key(requestId, ExportFiles.HTML)));
        assertThat(page.asByteArray()).isEqualTo(html);
        assertThat(page.response().contentDisposition()).isEqualTo("inline; filename=\"export.html\"");

        // The page fails after a part went up, while the other file is still being written: the failure reaches
        // the caller after that file ended, and the failed one leaves no object and no open upload.
        String failing = UUID.randomUUID().toString();
        java.util.concurrent.CountDownLatch pageFailed = new java.util.concurrent.CountDownLatch(1);
        assertThatThrownBy(() -> store.writeAll(failing, List.of(
                new ExportStore.File(ExportFiles.JSON, "application/json", out -> {
                    try {
                        pageFailed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    out.write(json);
                }),
                new ExportStore.File(ExportFiles.HTML, "text/html; charset=utf-8", out -> {
                    out.write(pattern(PART + 10));
                    pageFailed.countDown();
                    throw new IOException("page failed mid-export");
                })))).hasMessageContaining("page failed mid-export");
        assertThat(s3.getObjectAsBytes(g -> g.bucket(bucket).key(ExportFiles.key(failing, ExportFiles.JSON)))
                .asByteArray()).isEqualTo(json);
        String pageKey = ExportFiles.key(failing, ExportFiles.HTML);
        assertThatThrownBy(() -> s3.headObject(h -> h.bucket(bucket).key(pageKey))).isInstanceOf(
                software.amazon.awssdk.services.s3.model.S3Exception.class);
        assertThat(s3.listMultipartUploads(l -> l.bucket(bucket).prefix(pageKey)).uploads()).isEmpty();
    }

    @Test
    void shouldRefusePartsBelowS3sMinimum() {
        assertThatThrownBy(() -> new S3ExportStore(s3, bucket, Duration.ofDays(7), PART - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] pattern(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + (i >> 13));
        }
        return bytes;
    }
}
