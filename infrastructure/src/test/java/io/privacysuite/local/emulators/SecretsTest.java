package io.privacysuite.local.emulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.secrets.Secret;
import io.privacysuite.core.secrets.Secrets;
import io.privacysuite.local.TestEmulators;
import io.privacysuite.local.template.LocalResources;
import io.privacysuite.local.template.Template;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Functions read their HMAC secrets from Secrets Manager: here from the local suite's emulator, over HTTP, through the
 * real SDK and the same core code that runs on Lambda.
 */
class SecretsTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static String text(Secret secret, int index) {
        return new String(secret.versions().all().get(index), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCreateTheTemplatesSecretsAsGenerateSecretStringSays_andResolveRefToTheArn() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        try (LocalAwsClients clients = new LocalAwsClients(emulators)) {
            Template template = Template.fromProject();
            LocalResources resources = LocalResources.create(template, new LocalResources.Clients(clients.dynamoDb(),
                    clients.sqs(), java.util.Optional.empty(), clients.secretsManager()), "t-secrets-", emulators.region(), Map.of());

            assertThat(resources.secrets()).containsKeys("ConsentSigningSecret", "UnsubscribeSigningSecret");
            String arn = resources.ref("ConsentSigningSecret").orElseThrow();
            assertThat(arn).startsWith("arn:aws:secretsmanager:eu-west-1:000000000000:secret:t-secrets-ConsentSigningSecret-");
            String value = clients.secretsManager().orElseThrow().getSecretValue(b -> b.secretId(arn)).secretString();
            // GenerateSecretString: PasswordLength 64, ExcludePunctuation true.
            assertThat(value).hasSize(64).matches("[A-Za-z0-9]+");

            LocalResources again = LocalResources.create(template, new LocalResources.Clients(clients.dynamoDb(),
                    clients.sqs(), java.util.Optional.empty(), clients.secretsManager()), "t-secrets-", emulators.region(), Map.of());
            assertThat(again.ref("ConsentSigningSecret")).as("an existing secret keeps its ARN and value").hasValue(arn);
            assertThat(clients.secretsManager().orElseThrow().getSecretValue(b -> b.secretId(arn)).secretString())
                    .isEqualTo(value);
        }
    }

    @Test
    void shouldReadCurrentAndPrevious_cacheThem_andReloadOnScheduleAndAfterARestore() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        try (LocalAwsClients clients = new LocalAwsClients(emulators)) {
            SecretsManagerClient sm = clients.secretsManager().orElseThrow();
            String arn = sm.createSecret(b -> b.name("t-rotation-" + System.nanoTime())
                    .secretString("first-secret-value-0123456789")).arn();
            Map<String, String> env = new HashMap<>(emulators.asEnv());
            env.put("CONSENT_SIGNING_SECRET_ARN", arn);
            ManualClock clock = new ManualClock();
            Env config = Env.of(env);
            Secrets secrets = new Secrets(config, new AwsClients(config).build(SecretsManagerClient.builder(),
                    "SECRETS_MANAGER"), Duration.ofMinutes(10), clock);
            SecretsManagerEmulator emulator = emulators.secretsManagerEmulator();

            int before = emulator.getSecretValueCalls();
            Secret secret = secrets.secret(Secrets.CONSENT_SIGNING);
            assertThat(emulator.getSecretValueCalls() - before).as("only AWSCURRENT at init").isEqualTo(1);
            assertThat(secret.versions().all()).as("AWSPREVIOUS read when every version is asked for").hasSize(1);
            assertThat(text(secret, 0)).isEqualTo("first-secret-value-0123456789");
            int afterInit = emulator.getSecretValueCalls();
            assertThat(afterInit - before).as("AWSCURRENT, then AWSPREVIOUS once").isEqualTo(2);

            // Rotation: the new value becomes AWSCURRENT and the old one AWSPREVIOUS.
            sm.putSecretValue(b -> b.secretId(arn).secretString("second-secret-value-0123456789"));
            for (int i = 0; i < 50; i++) {
                secret.versions();
            }
            assertThat(emulator.getSecretValueCalls()).as("cached between refreshes").isEqualTo(afterInit);
            assertThat(text(secret, 0)).isEqualTo("first-secret-value-0123456789");

            clock.now = clock.now.plus(Duration.ofMinutes(11));
            assertThat(secret.versions().all()).hasSize(2);
            assertThat(text(secret, 0)).isEqualTo("second-secret-value-0123456789");
            assertThat(text(secret, 1)).as("the previous value still verifies").isEqualTo("first-secret-value-0123456789");

            sm.putSecretValue(b -> b.secretId(arn).secretString("third-secret-value-0123456789"));
            secrets.afterRestore(null);
            assertThat(text(secret, 0)).as("reloaded after a SnapStart restore").isEqualTo("third-secret-value-0123456789");
            assertThat(text(secret, 1)).isEqualTo("second-secret-value-0123456789");

            // Secrets Manager unreachable later: the cached values keep serving.
            Map<String, String> broken = new HashMap<>(env);
            broken.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:1");
            Env brokenConfig = Env.of(broken);
            Secrets failing = new Secrets(brokenConfig, new AwsClients(brokenConfig).build(SecretsManagerClient.builder(),
                    "SECRETS_MANAGER"), Duration.ofMinutes(10), clock);
            assertThatThrownBy(() -> failing.secret(Secrets.CONSENT_SIGNING)).as("no value at init: the cold start fails")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("CONSENT_SIGNING_SECRET_ARN");
        }
    }

    @Test
    void shouldRefuseToStart_whenTheArnIsMissingOrNamesNoSecret() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        Env noArn = Env.of(emulators.asEnv());
        assertThatThrownBy(() -> Secrets.from(noArn, new AwsClients(noArn)).secret(Secrets.UNSUBSCRIBE_SIGNING))
                .hasMessageContaining("UNSUBSCRIBE_SIGNING_SECRET_ARN");

        Map<String, String> env = new HashMap<>(emulators.asEnv());
        env.put("UNSUBSCRIBE_SIGNING_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:000000000000:secret:nope-AbCdEf");
        Env unknown = Env.of(env);
        assertThatThrownBy(() -> Secrets.from(unknown, new AwsClients(unknown)).secret(Secrets.UNSUBSCRIBE_SIGNING))
                .hasMessageContaining("UNSUBSCRIBE_SIGNING").hasRootCauseInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void emulatorShouldMoveStagingLabelsAsSecretsManagerDoes() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        try (LocalAwsClients clients = new LocalAwsClients(emulators)) {
            SecretsManagerClient sm = clients.secretsManager().orElseThrow();
            String arn = sm.createSecret(b -> b.name("t-stages-" + System.nanoTime()).secretString("v1-value")).arn();
            assertThatThrownBy(() -> sm.getSecretValue(b -> b.secretId(arn).versionStage("AWSPREVIOUS")))
                    .isInstanceOf(ResourceNotFoundException.class);
            String pending = sm.putSecretValue(b -> b.secretId(arn).secretString("v2-value")
                    .versionStages(List.of("AWSPENDING"))).versionId();
            assertThat(sm.getSecretValue(b -> b.secretId(arn)).secretString()).isEqualTo("v1-value");
            String current = sm.getSecretValue(b -> b.secretId(arn)).versionId();
            sm.updateSecretVersionStage(b -> b.secretId(arn).versionStage("AWSCURRENT").moveToVersionId(pending)
                    .removeFromVersionId(current));
            assertThat(sm.getSecretValue(b -> b.secretId(arn)).secretString()).isEqualTo("v2-value");
            assertThat(sm.getSecretValue(b -> b.secretId(arn).versionStage("AWSPREVIOUS")).secretString())
                    .isEqualTo("v1-value");
            assertThat(sm.describeSecret(b -> b.secretId(arn)).versionIdsToStages().get(pending))
                    .contains("AWSCURRENT", "AWSPENDING");
        }
    }
}
