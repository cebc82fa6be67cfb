package io.privacysuite.requests.api;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigns a GET of an export file at the moment a person clicks a download link, valid {@link #LIFETIME}: signed
 * with the credentials the function has then, so the emailed link lasts the export's 7 days although Lambda role
 * credentials last hours (a URL presigned at export time dies with the credentials that signed it).
 */
public interface ExportDownloads {
    Duration LIFETIME = Duration.ofMinutes(5);

    /** A short-lived link to {@code key} in the exports bucket. */
    String presign(String key);

    /** {@code EXPORTS_BUCKET}; path-style addressing against an endpoint override (S3Mock, LocalStack). */
    static ExportDownloads from(Env env, AwsClients aws) {
        String bucket = env.require("EXPORTS_BUCKET");
        boolean pathStyle = aws.endpointFor("S3").isPresent();
        S3Presigner.Builder builder = S3Presigner.builder().region(aws.region()).credentialsProvider(aws.credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        aws.endpointFor("S3").ifPresent(builder::endpointOverride);
        S3Presigner presigner = builder.build();
        return key -> presigner.presignGetObject(p -> p.signatureDuration(LIFETIME)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
    }
}
