package io.privacysuite.core.secrets;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The function's HMAC secrets, read from Secrets Manager. The environment holds only each secret's ARN
 * ({@code <NAME>_SECRET_ARN}, e.g. {@code CONSENT_SIGNING_SECRET_ARN}), so nobody who can read a function's
 * configuration can read a secret; reading one needs {@code secretsmanager:GetSecretValue} on exactly it.
 *
 * <p>Each secret is loaded at init (a missing or unreadable one fails the cold start, not a request), cached with
 * its {@code AWSCURRENT} version (and {@code AWSPREVIOUS} once a verification needs it), reloaded when older than
 * {@code SECRETS_REFRESH_MINUTES} (checked on use, so on invoke) and after a SnapStart restore. Adding a secret: a template
 * {@code AWS::SecretsManager::Secret}, {@code <NAME>_SECRET_ARN: !Ref It} and an
 * {@code AWSSecretsManagerGetSecretValuePolicy} on the function, then {@code secrets.secret("<NAME>")}.
 */
public final class Secrets implements org.crac.Resource {
    public static final String CONSENT_SIGNING = "CONSENT_SIGNING";
    public static final String UNSUBSCRIBE_SIGNING = "UNSUBSCRIBE_SIGNING";
    public static final String DOWNLOAD_LINK = "DOWNLOAD_LINK";
    public static final String ARN_SUFFIX = "_SECRET_ARN";
    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);

    private final Env env;
    private final SecretsManagerClient client;
    private final Duration refreshEvery;
    private final Clock clock;
    private final Map<String, CachedSecret> loaded = new ConcurrentHashMap<>();

    public Secrets(Env env, SecretsManagerClient client, Duration refreshEvery, Clock clock) {
        this.env = env;
        this.client = client;
        this.refreshEvery = refreshEvery;
        this.clock = clock;
        org.crac.Core.getGlobalContext().register(this);
    }

    /** The Secrets Manager client built like every other SDK client (URLConnection, endpoint override). */
    public static Secrets from(Env env, AwsClients aws) {
        return new Secrets(env, aws.build(SecretsManagerClient.builder(), "SECRETS_MANAGER"),
                Duration.ofMinutes(env.getInt("SECRETS_REFRESH_MINUTES", (int) DEFAULT_REFRESH.toMinutes())),
                Clock.systemUTC());
    }

    /** The secret whose ARN is in {@code <name>_SECRET_ARN}; loaded now, on first request for it. */
    public Secret secret(String name) {
        return loaded.computeIfAbsent(name, n -> {
            String arn = env.require(n + ARN_SUFFIX);
            CachedSecret secret = new CachedSecret(this, n, arn, client, refreshEvery, clock);
            secret.versions();
            return secret;
        });
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
        // Nothing to release: the values are reloaded after restore.
    }

    /** A snapshot may be restored long after it was taken, possibly after a rotation: reload before next use. */
    @Override
    public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
        loaded.values().forEach(CachedSecret::invalidate);
    }
}
