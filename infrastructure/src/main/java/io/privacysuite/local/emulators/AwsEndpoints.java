package io.privacysuite.local.emulators;

import io.privacysuite.local.template.TemplateResolver;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Where the AWS services of a local run answer, and the dummy credentials to sign requests with. */
public interface AwsEndpoints {
    URI dynamodb();

    URI sqs();

    URI ses();

    Optional<URI> s3();

    /** Where Secrets Manager answers (the embedded emulator, or LocalStack's own). */
    Optional<URI> secretsManager();

    String region();

    String accessKey();

    String secretKey();

    /**
     * Checks that the SES endpoint can take mail, restarting an emulator this process runs if it died. Empty when it
     * can (or when this process does not run it), else why no email can be sent.
     */
    default Optional<String> ensureSesRunning() {
        return Optional.empty();
    }

    /** True when expired TTL items are really deleted (and streamed) soon after expiry, as DynamoDB Local does. */
    boolean realTimeTtl();

    /**
     * The environment a function needs to reach these endpoints; the SDK honours
     * {@code AWS_ENDPOINT_URL_<SERVICE>} without code changes.
     */
    default Map<String, String> asEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region());
        env.put("AWS_DEFAULT_REGION", region());
        env.put("AWS_ACCESS_KEY_ID", accessKey());
        env.put("AWS_SECRET_ACCESS_KEY", secretKey());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamodb().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", dynamodb().toString());
        env.put("AWS_ENDPOINT_URL_SQS", sqs().toString());
        env.put("AWS_ENDPOINT_URL_SES", ses().toString());
        s3().ifPresent(uri -> env.put("AWS_ENDPOINT_URL_S3", uri.toString()));
        secretsManager().ifPresent(uri -> env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", uri.toString()));
        return env;
    }

    /** Endpoints of emulators started elsewhere (another process, a CI service). */
    static AwsEndpoints of(URI dynamodb, URI sqs, URI ses, Optional<URI> s3, boolean realTimeTtl) {
        return new Fixed(dynamodb, sqs, ses, s3, Optional.empty(), TemplateResolver.DEFAULT_REGION, "local", "local",
                realTimeTtl);
    }

    record Fixed(URI dynamodb, URI sqs, URI ses, Optional<URI> s3, Optional<URI> secretsManager, String region,
                 String accessKey, String secretKey, boolean realTimeTtl) implements AwsEndpoints {}
}
