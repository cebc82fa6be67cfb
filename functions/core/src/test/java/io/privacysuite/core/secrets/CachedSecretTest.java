package io.privacysuite.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The caching rules around the two version stages, against an in-memory Secrets Manager (the real service's
 * answers are covered by the emulator tests in infrastructure).
 */
class CachedSecretTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:000000000000:secret:signing-AbCdEf";

    /** Answers GetSecretValue from a map of stage to value; a stage mapped to null fails as a network error would. */
    private static final class FakeSecretsManager implements SecretsManagerClient {
        final Map<String, String> stages = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
            assertThat(request.secretId()).isEqualTo(ARN);
            calls.add(request.versionStage());
            if (!stages.containsKey(request.versionStage())) {
                throw ResourceNotFoundException.builder().message("no such stage").build();
            }
            String value = stages.get(request.versionStage());
            if (value == null) {
                throw SdkClientException.create("connection refused");
            }
            return GetSecretValueResponse.builder().secretString(value).build();
        }

        @Override
        public String serviceName() {
            return "secretsmanager";
        }

        @Override
        public void close() {}
    }

    private final FakeSecretsManager sm = new FakeSecretsManager();

    /** @param refreshEvery zero: every use reloads (the clock stands still) */
    private Secret load(Duration refreshEvery) {
        return new Secrets(Env.of(Map.of("CONSENT_SIGNING_SECRET_ARN", ARN)), sm, refreshEvery,
                Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC)).secret(Secrets.CONSENT_SIGNING);
    }

    private static List<String> texts(SecretVersions versions) {
        return versions.all().stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void shouldReadOnlyAwsCurrentAtInit_andAwsPreviousOnceWhenEveryVersionIsAskedFor() {
        sm.stages.put("AWSCURRENT", "current-value");
        sm.stages.put("AWSPREVIOUS", "previous-value");
        Secret secret = load(Duration.ofMinutes(10));
        assertThat(new String(secret.versions().current(), StandardCharsets.UTF_8)).isEqualTo("current-value");
        assertThat(secret.versions().previousLoaded()).isFalse();
        assertThat(sm.calls).containsExactly("AWSCURRENT");

        assertThat(texts(secret.versions())).containsExactly("current-value", "previous-value");
        assertThat(texts(secret.versions())).containsExactly("current-value", "previous-value");
        assertThat(sm.calls).containsExactly("AWSCURRENT", "AWSPREVIOUS");
    }

    @Test
    void shouldHaveOnlyTheCurrentValue_whenTheSecretWasNeverRotated() {
        sm.stages.put("AWSCURRENT", "current-value");
        Secret secret = load(Duration.ofMinutes(10));
        assertThat(texts(secret.versions())).containsExactly("current-value");
        assertThat(secret.versions().previousLoaded()).isTrue();
    }

    @Test
    void shouldKeepTheKnownPreviousValue_whenRereadingItFailsForTheSameCurrentValue() {
        sm.stages.put("AWSCURRENT", "current-value");
        sm.stages.put("AWSPREVIOUS", "previous-value");
        Secret secret = load(Duration.ZERO);
        assertThat(texts(secret.versions())).hasSize(2);

        sm.stages.put("AWSPREVIOUS", null);
        SecretVersions reloaded = secret.versions();
        assertThat(reloaded.previousLoaded()).as("a reload reads AWSCURRENT only").isFalse();
        assertThat(texts(reloaded)).containsExactly("current-value", "previous-value");
        assertThat(sm.calls).containsExactly("AWSCURRENT", "AWSCURRENT", "AWSPREVIOUS", "AWSCURRENT", "AWSPREVIOUS");
    }

    @Test
    void shouldFailTheVerification_notGuess_whenAwsPreviousCannotBeReadAfterARotation_andRetryNextTime() {
        sm.stages.put("AWSCURRENT", "first-value");
        Secret secret = load(Duration.ZERO);
        assertThat(texts(secret.versions())).containsExactly("first-value");

        sm.stages.put("AWSCURRENT", "second-value");
        sm.stages.put("AWSPREVIOUS", null);
        SecretVersions rotated = secret.versions();
        assertThat(rotated.current()).asString(StandardCharsets.UTF_8).isEqualTo("second-value");
        assertThatThrownBy(rotated::all).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("previous version of secret CONSENT_SIGNING")
                .hasRootCauseInstanceOf(SdkClientException.class);
        assertThat(rotated.previousLoaded()).as("a failure is not remembered").isFalse();

        sm.stages.put("AWSPREVIOUS", "first-value");
        assertThat(texts(rotated)).containsExactly("second-value", "first-value");
    }
}
