package io.privacysuite.fulfilment;

import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Puts export files in the exports bucket ({@code exports/<requestId>/...}, SSE, the bucket's lifecycle deletes them
 * after 7 days) and signs GET links that expire with them (S3 allows at most 7 days for SigV4 presigned URLs).
 * Writing the same key again overwrites it, so a redelivered request does not leave copies.
 */
public final class ExportStore {
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration linkLifetime;

    public ExportStore(S3Client s3, S3Presigner presigner, String bucket, Duration linkLifetime) {
        if (linkLifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("presigned links live at most 7 days");
        }
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.linkLifetime = linkLifetime;
    }

    public Duration linkLifetime() {
        return linkLifetime;
    }

    /** Stores one file and returns its presigned download link. */
    public String put(String requestId, String fileName, String contentType, String content) {
        String key = "exports/" + requestId + "/" + fileName;
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType)
                        .serverSideEncryption(ServerSideEncryption.AES256)
                        .contentDisposition("attachment; filename=\"" + fileName + "\"")
                        .metadata(Map.of("request-id", requestId)),
                RequestBody.fromString(content));
        return presigner.presignGetObject(p -> p.signatureDuration(linkLifetime)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }
}
