package io.privacysuite.core.secrets;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * One secret's {@code AWSCURRENT} and {@code AWSPREVIOUS} values, reloaded when stale. A failed reload keeps the
 * values it has (and tries again a minute later), so a Secrets Manager hiccup never fails requests that the
 * cached values can still serve.
 */
final class CachedSecret implements Secret {
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);
    static final Duration MIN_FORCED_REFRESH = Duration.ofMinutes(1);

    /** Keeps the owner reachable: the CRaC context holds its resources only weakly. */
    private final Secrets owner;
    private final String name;
    private final String arn;
    private final SecretsManagerClient client;
    private final Duration refreshEvery;
    private final Clock clock;
    private volatile SecretVersions versions;
    private volatile Instant nextLoad = Instant.MIN;
    private volatile Instant lastForced = Instant.MIN;

    CachedSecret(Secrets owner, String name, String arn, SecretsManagerClient client, Duration refreshEvery,
                 Clock clock) {
        this.owner = owner;
        this.name = name;
        this.arn = arn;
        this.client = client;
        this.refreshEvery = refreshEvery;
        this.clock = clock;
    }

    @Override
    public SecretVersions versions() {
        SecretVersions current = versions;
        if (current != null && clock.instant().isBefore(nextLoad)) {
            return current;
        }
        return reload();
    }

    @Override
    public void refreshSoon() {
        Instant now = clock.instant();
        if (lastForced.plus(MIN_FORCED_REFRESH).isBefore(now)) {
            lastForced = now;
            nextLoad = Instant.MIN;
        }
    }

    void invalidate() {
        nextLoad = Instant.MIN;
    }

    private synchronized SecretVersions reload() {
        Instant now = clock.instant();
        if (versions != null && now.isBefore(nextLoad)) {
            return versions; // another thread reloaded meanwhile
        }
        try {
            List<byte[]> values = new ArrayList<>();
            values.add(read("AWSCURRENT").orElseThrow(() ->
                    new IllegalStateException("secret " + name + " has no AWSCURRENT value")));
            read("AWSPREVIOUS").ifPresent(values::add);
            versions = SecretVersions.of(values);
            nextLoad = now.plus(refreshEvery);
            return versions;
        } catch (RuntimeException e) {
            if (versions == null) {
                throw new IllegalStateException("cannot read secret " + name + " (" + e.getClass().getSimpleName()
                        + "): check " + name + Secrets.ARN_SUFFIX + " and secretsmanager:GetSecretValue on it", e);
            }
            nextLoad = now.plus(RETRY_AFTER_FAILURE);
            return versions;
        }
    }

    private Optional<byte[]> read(String stage) {
        try {
            GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(arn).versionStage(stage));
            if (response.secretString() != null) {
                return Optional.of(response.secretString().getBytes(StandardCharsets.UTF_8));
            }
            return response.secretBinary() == null ? Optional.empty() : Optional.of(response.secretBinary().asByteArray());
        } catch (ResourceNotFoundException e) {
            if (stage.equals("AWSCURRENT")) {
                throw e;
            }
            return Optional.empty(); // never rotated: no previous version
        }
    }
}
