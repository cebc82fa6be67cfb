package io.privacysuite.local.emulators;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;

class SesEmulatorRestartTest {
    private static String send(SesEmulator ses, String to) {
        String mime = "From: no-reply@privacy.example\r\nTo: " + to + "\r\nSubject: After the crash\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nStill here\r\n";
        try (SesClient client = SesClient.builder().endpointOverride(ses.endpoint()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(10))).build()) {
            return client.sendRawEmail(b -> b.rawMessage(m -> m.data(SdkBytes.fromString(mime, StandardCharsets.UTF_8))))
                    .messageId();
        }
    }

    @Test
    void shouldStartAgainOnTheSamePort_whenTheProcessIsKilled() throws Exception {
        try (SesEmulator ses = SesEmulator.start()) {
            long first = ses.pid();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            ProcessHandle.of(first).ifPresent(p -> p.onExit().join());

            assertThat(ses.ensureRunning()).as("no failure once started again").isEmpty();
            assertThat(ses.isAlive()).isTrue();
            assertThat(ses.pid()).isNotEqualTo(first);
            assertThat(ses.restarts()).isEqualTo(1);
            String id = send(ses, "back@example.org");
            assertThat(new Mailbox(ses.endpoint()).awaitEmailTo("back@example.org", Duration.ofSeconds(5)).messageId())
                    .isEqualTo(id);
        }
    }

    @Test
    void shouldNotStartAgain_whenClosed() throws Exception {
        SesEmulator ses = SesEmulator.start();
        long pid = ses.pid();

        ses.close();
        TimeUnit.MILLISECONDS.sleep(300);

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(ses.isAlive()).isFalse();
        assertThat(ses.restarts()).isZero();
        assertThat(ses.ensureRunning()).isEmpty();
    }
}
