package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void shouldSignTimestampAndBody_withHmacSha256() {
        String header = WebhookSigner.header("secret", NOW, "{\"a\":1}");

        // Independently computed: printf '%s' '1795341600.{"a":1}' | openssl dgst -sha256 -hmac secret
        assertThat(header).isEqualTo("t=1795341600,v1=d4c7fa5c84c23158c111f8367322eeef45b497b9eb1aa5f3dc0d317cf9ceef4b");
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(WebhookSigner.verify(header, "{\"a\":1}", "secret", NOW.plusSeconds(60))).isTrue();
    }

    @Test
    void shouldRefuseOtherBody_otherSecret_staleTimestamp_andGarbage() {
        String header = WebhookSigner.header("secret", NOW, "{\"a\":1}");

        assertThat(WebhookSigner.verify(header, "{\"a\":2}", "secret", NOW)).isFalse();
        assertThat(WebhookSigner.verify(header, "{\"a\":1}", "other", NOW)).isFalse();
        assertThat(WebhookSigner.verify(header, "{\"a\":1}", "secret", NOW.plusSeconds(301))).isFalse();
        assertThat(WebhookSigner.verify("v1=abc", "{\"a\":1}", "secret", NOW)).isFalse();
        assertThat(WebhookSigner.verify(null, "{\"a\":1}", "secret", NOW)).isFalse();
    }
}
