package io.privacysuite.requests.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.secrets.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityAssertionsTest {
    private static final byte[] KEY = "a-deployment-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2027-01-10T10:00:00Z");
    private final IdentityAssertions assertions = new IdentityAssertions(Secret.fixed(List.of(KEY)));

    private static Submission.IdentityClaim claim(String subjectId, String email, long expiresAt, byte[] key) {
        return new Submission.IdentityClaim(subjectId, expiresAt, IdentityAssertions.sign(key, subjectId, email, expiresAt));
    }

    @Test
    void shouldProveASubjectIdOnlyForTheAddressItWasSignedFor_untilItExpires() {
        long inAnHour = NOW.plusSeconds(3600).getEpochSecond();

        assertThat(assertions.refusal(claim("cus_1", "ann@example.org", inAnHour, KEY), "ann@example.org", NOW)).isEmpty();
        assertThat(assertions.refusal(claim("cus_1", "ann@example.org", inAnHour, KEY), "bob@example.org", NOW)).isPresent();
        assertThat(assertions.refusal(claim("cus_1", "ann@example.org", inAnHour, "another-secret-0123456789"
                .getBytes(StandardCharsets.UTF_8)), "ann@example.org", NOW)).isPresent();
        assertThat(assertions.refusal(claim("cus_1", "ann@example.org", NOW.getEpochSecond(), KEY), "ann@example.org", NOW))
                .hasValueSatisfying(why -> assertThat(why).contains("expired"));
        assertThat(assertions.refusal(claim("cus_1", "ann@example.org", NOW.plusSeconds(2 * 86_400).getEpochSecond(), KEY),
                "ann@example.org", NOW)).hasValueSatisfying(why -> assertThat(why).contains("24 hours"));
        Submission.IdentityClaim other = claim("cus_1", "ann@example.org", inAnHour, KEY);
        assertThat(assertions.refusal(new Submission.IdentityClaim("cus_2", other.expiresAt(), other.signature()),
                "ann@example.org", NOW)).isPresent();
    }

    @Test
    void shouldAcceptAssertionsSignedWithThePreviousKey_duringARotation_butNotOnceItIsGone() {
        byte[] rotated = "the-rotated-secret-0123456789ab".getBytes(StandardCharsets.UTF_8);
        long inAnHour = NOW.plusSeconds(3600).getEpochSecond();
        Submission.IdentityClaim signedBefore = claim("cus_1", "ann@example.org", inAnHour, KEY);

        assertThat(new IdentityAssertions(Secret.fixed(List.of(rotated, KEY)))
                .refusal(signedBefore, "ann@example.org", NOW)).isEmpty();
        assertThat(new IdentityAssertions(Secret.fixed(List.of(rotated)))
                .refusal(signedBefore, "ann@example.org", NOW)).isPresent();
    }

    @Test
    void shouldCountAnIpv6ClientPerSlash64_andIpv4PerAddressOnly() {
        assertThat(RateLimiter.ipv6Network("2001:db8:1:2::1")).isEqualTo(RateLimiter.ipv6Network("2001:db8:1:2:ffff::9"));
        assertThat(RateLimiter.ipv6Network("2001:db8:1:2::1")).isNotEqualTo(RateLimiter.ipv6Network("2001:db8:1:3::1"));
        assertThat(RateLimiter.ipv6Network("198.51.100.7")).isEmpty();
        assertThat(RateLimiter.ipv6Network("::ffff:198.51.100.7")).isEmpty();
        assertThat(RateLimiter.ipv6Network("not an ip")).isEmpty();
    }
}
