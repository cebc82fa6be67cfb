package io.privacysuite.core.aws;

import io.privacysuite.core.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds SDK clients the same way for every function: URLConnection HTTP client (small and quick to start),
 * region and credentials from the environment, and an endpoint override from {@code AWS_ENDPOINT_URL_<SERVICE>}
 * or {@code AWS_ENDPOINT_URL} so the same code talks to AWS, LocalStack or the embedded emulators.
 * One instance per container; every client it builds shares one HTTP client.
 */
public final class AwsClients {
    private final Env env;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;

    public AwsClients(Env env) {
        this.env = env;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10))
                .build();
        this.credentials = credentialsFrom(env);
        this.region = Region.of(env.get("AWS_REGION", env.get("AWS_DEFAULT_REGION", "eu-west-1")));
    }

    /**
     * Applies the shared settings to a service's builder. {@code serviceKey} is the suffix of the
     * endpoint variable, as the SDK spells it: DYNAMODB, DYNAMODB_STREAMS, SQS, SES, S3, SECRETS_MANAGER.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String serviceKey) {
        builder.httpClient(http)
                .credentialsProvider(credentials)
                .region(region)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(25))
                        .build());
        endpointFor(serviceKey).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public Region region() {
        return region;
    }

    /** The shared credentials provider (e.g. for an S3 presigner, which is not a client built here). */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /** The endpoint override for a service, if the environment sets one (S3 clients then use path-style access). */
    public java.util.Optional<URI> endpointFor(String serviceKey) {
        return env.find("AWS_ENDPOINT_URL_" + serviceKey.toUpperCase(Locale.ROOT))
                .or(() -> env.find("AWS_ENDPOINT_URL"))
                .map(URI::create);
    }

    private static AwsCredentialsProvider credentialsFrom(Env env) {
        if (env.isProcessEnvironment()) {
            // On Lambda the credentials are in the environment; skipping the default chain saves cold-start time.
            return env.find("AWS_ACCESS_KEY_ID").isPresent()
                    ? EnvironmentVariableCredentialsProvider.create()
                    : DefaultCredentialsProvider.builder().build();
        }
        String key = env.get("AWS_ACCESS_KEY_ID", "local");
        String secret = env.get("AWS_SECRET_ACCESS_KEY", "local");
        return env.find("AWS_SESSION_TOKEN")
                .<AwsCredentialsProvider>map(token -> StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(key, secret, token)))
                .orElseGet(() -> StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)));
    }
}
