package io.privacysuite.fulfilment;

import io.privacysuite.requests.ExportFiles;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Puts export files in the exports bucket ({@link ExportFiles#key}, SSE; the bucket's lifecycle deletes them after
 * 7 days). Nothing is presigned here: the emailed links point at the requests API, which presigns a short link at each
 * click with the credentials it has then. Writing the same key again overwrites it, so a redelivered request does not
 * leave copies.
 */
public final class S3ExportStore implements ExportStore {
    private final S3Client s3;
    private final String bucket;
    private final Duration linkLifetime;

    public S3ExportStore(S3Client s3, String bucket, Duration linkLifetime) {
        if (linkLifetime.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("the bucket keeps exports 7 days: links cannot outlive them");
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.linkLifetime = linkLifetime;
    }

    @Override
    public Duration linkLifetime() {
        return linkLifetime;
    }

    @Override
    public void put(String requestId, String fileName, String contentType, String content) {
        String key = ExportFiles.key(requestId, fileName);
        // The readable page opens in the browser; the machine-readable file is saved.
        String disposition = (fileName.endsWith(".html") ? "inline" : "attachment") + "; filename=\"" + fileName + "\"";
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType)
                        .serverSideEncryption(ServerSideEncryption.AES256)
                        .contentDisposition(disposition)
                        .metadata(Map.of("request-id", requestId)),
                RequestBody.fromString(content));
    }
}
