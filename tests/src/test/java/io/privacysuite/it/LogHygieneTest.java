package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The rules the log scan applies: what counts as personal data or a secret in a log line, and what does not. */
class LogHygieneTest {

    @Test
    void shouldFlagPersonalDataTokensKeysAndPresignedUrls() {
        assertThat(LogHygiene.problems("request_received to=ann.lee+shop@example.org")).singleElement().asString()
                .contains("email address").doesNotContain("ann.lee");
        assertThat(LogHygiene.problems("client 198.51.100.23 refused")).singleElement().asString().contains("IPv4");
        assertThat(LogHygiene.problems("from 2001:db8:85a3::8a2e:370:7334 x")).singleElement().asString().contains("IPv6");
        assertThat(LogHygiene.problems("from 2001:0db8:0000:0000:0000:ff00:0042:8329")).singleElement().asString()
                .contains("IPv6");
        assertThat(LogHygiene.problems("GET /v1/requests/abc/verify?token=Zm9vYmFyYmF6cXV4cXV1eA&expires=1"))
                .singleElement().asString().contains("token in a URL");
        assertThat(LogHygiene.problems("key a1b2c3d4.8ZPbbB4h5YAcWsrTtETB4GoAMqZpDt7MMp37CQvebOs stored"))
                .singleElement().asString().contains("consent key");
        assertThat(LogHygiene.problems("https://b.s3/x?X-Amz-Algorithm=AWS4&X-Amz-Credential=local%2F2026"))
                .singleElement().asString().contains("presigned URL");
        assertThat(LogHygiene.problems("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG")).isNotEmpty();
    }

    @Test
    void shouldReadWhatIsWrittenToStderrAndWhatTheEmulatorsPrint() {
        LogHygiene.install();
        LogHygiene.drain();
        System.err.println("[NotifierFunction] INFO sent to=leak-test@example.org");
        io.privacysuite.local.runtime.LocalLogging.emulatorOutput("ses", "stored mail from 198.51.100.77");
        java.util.List<String> seen = LogHygiene.drain();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).contains("email address").doesNotContain("leak-test@");
        assertThat(seen.get(1)).contains("IPv4 address");
        System.out.println("a clean line: consent_recorded version=1");
        assertThat(LogHygiene.drain()).isEmpty();
    }

    @Test
    void shouldLetIdsCountsLoopbackAndAnonymizedAddressesThrough() {
        assertThat(LogHygiene.problems("consent_recorded site=demo-shop consentId=3415fe8b-4dde-44fc-8556-dbf5806f3298 "
                + "version=1 ipAnonymized=203.0.113.0")).isEmpty();
        assertThat(LogHygiene.problems("local suite up: http://127.0.0.1:43121 in 2100 ms")).isEmpty();
        assertThat(LogHygiene.problems("anonymized 2001:db8:1:: at 12:34:56.789 version 2.41.34")).isEmpty();
        assertThat(LogHygiene.problems("receipt keyHash=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
                .isEmpty();
    }
}
