package io.privacysuite.local.emulators;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.TestEmulators;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ses.SesClient;

class SesEmulatorTest {
    @Test
    void shouldCaptureARawEmailSentThroughTheSdk() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        Mailbox mailbox = new Mailbox(emulators.ses());
        String to = "visitor-" + UUID.randomUUID() + "@example.org";
        String mime = "From: Privacy Suite <no-reply@privacy.example>\r\n"
                + "To: Visitor <" + to + ">\r\n"
                + "Subject: Your consent receipt\r\n"
                + "List-Unsubscribe: <https://privacy.example/u/1>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "\r\n"
                + "Receipt body\r\n";

        try (SesClient ses = SesClient.builder()
                .endpointOverride(emulators.ses())
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(10)))
                .build()) {
            String messageId = ses.sendRawEmail(b -> b.rawMessage(m -> m.data(SdkBytes.fromString(mime, StandardCharsets.UTF_8))))
                    .messageId();

            Mailbox.Email email = mailbox.awaitEmailTo(to, Duration.ofSeconds(5));

            assertThat(email.messageId()).isEqualTo(messageId);
            assertThat(email.subject()).isEqualTo("Your consent receipt");
            assertThat(email.from()).contains("no-reply@privacy.example");
            assertThat(email.to()).singleElement().asString().contains(to);
            assertThat(email.text()).contains("Receipt body");
            assertThat(email.sentAt()).isAfter(java.time.Instant.now().minusSeconds(60));
            assertThat(mailbox.to(to.toUpperCase(java.util.Locale.ROOT))).as("addresses compare case-insensitively").hasSize(1);
            assertThat(mailbox.to("someone-else@example.org")).isEmpty();
        }
    }
}
