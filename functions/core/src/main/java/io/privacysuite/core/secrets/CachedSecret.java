package io.privacysuite.core.secrets;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * One secret's {@code AWSCURRENT} and {@code AWSPREVIOUS} values, reloaded when stale. A failed reload keeps the
 * values it has (and tries again a minute later), so a Secrets Manager hiccup never fails requests that the
 * cached values can still serve. {@code AWSPREVIOUS} is read only when a user asks for every version (a key that
 * the current value does not verify), so a cold start makes one GetSecretValue call, not two.
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
    /** The last AWSPREVIOUS read and the AWSCURRENT it was read beside: kept if a later read of it fails. */
    private volatile Pair lastPrevious;

    private record Pair(byte[] current, Optional<byte[]> previous) {}

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
            byte[] current = read("AWSCURRENT").orElseThrow(() ->
                    new IllegalStateException("secret " + name + " has no AWSCURRENT value"));
            versions = SecretVersions.withLazyPrevious(current, () -> previous(current));
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

    /**
     * AWSPREVIOUS, read beside this AWSCURRENT. If Secrets Manager fails now but answered for the same current value
     * before, that answer still holds (only a rotation moves the labels); otherwise the caller gets the failure.
     */
    private Optional<byte[]> previous(byte[] current) {
        try {
            Optional<byte[]> previous = read("AWSPREVIOUS");
            lastPrevious = new Pair(current, previous);
            return previous;
        } catch (RuntimeException e) {
            Pair known = lastPrevious;
            if (known != null && java.util.Arrays.equals(known.current(), current)) {
                return known.previous();
            }
            throw new IllegalStateException("cannot read the previous version of secret " + name + " ("
                    + e.getClass().getSimpleName() + ")", e);
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
