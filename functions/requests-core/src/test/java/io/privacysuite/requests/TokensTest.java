package io.privacysuite.requests;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.notify.EmailAddresses;
import org.junit.jupiter.api.Test;

class TokensTest {
    @Test
    void shouldIssueDistinctUrlSafeTokens_andMatchOnlyTheirOwnHash() {
        String a = Tokens.newToken();
        String b = Tokens.newToken();

        assertThat(a).isNotEqualTo(b).matches("[A-Za-z0-9_-]{43}");
        assertThat(Tokens.matches(a, Tokens.sha256Hex(a))).isTrue();
        assertThat(Tokens.matches(b, Tokens.sha256Hex(a))).isFalse();
        assertThat(Tokens.matches(null, Tokens.sha256Hex(a))).isFalse();
    }

    @Test
    void shouldHashAddressesCaseAndSpaceInsensitively() {
        assertThat(EmailAddresses.hash(" Ann@Example.ORG ")).isEqualTo(EmailAddresses.hash("ann@example.org"))
                .hasSize(64);
    }

    @Test
    void shouldRejectImplausibleAddresses() {
        assertThat(EmailAddresses.isSendable("ann@example.org")).isTrue();
        assertThat(EmailAddresses.isSendable("ann@localhost")).isFalse();
        assertThat(EmailAddresses.isSendable("Ann <ann@example.org>")).isFalse();
        assertThat(EmailAddresses.isSendable("a@b@example.org")).isFalse();
        assertThat(EmailAddresses.isSendable("")).isFalse();
    }
}
