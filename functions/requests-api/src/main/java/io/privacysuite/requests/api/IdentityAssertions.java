package io.privacysuite.requests.api;

import io.privacysuite.core.secrets.Secret;
import io.privacysuite.core.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Identity assertions: the company's own application, for a logged-in user, signs which of its subject ids belongs
 * to which address, so a request can reach data keyed by that id (README "Identity assertions"). The signature is
 * {@code hex(HMAC-SHA256(key, "privacysuite.identity.v1\n" + subjectId + "\n" + email + "\n" +
 * expiresAt))} with the address in canonical form (lower case, domain in ASCII) and {@code expiresAt} in unix
 * seconds, at most {@link #MAX_LIFETIME} ahead. Checked at intake in constant time; the address is then proven by the
 * emailed link as usual, so an assertion is worth nothing without the mailbox it names. The key is the
 * {@code IdentityAssertionSecret} (read through {@link Secrets}); during a rotation the previous value still verifies.
 */
public final class IdentityAssertions {
    static final String CONTEXT = "privacysuite.identity.v1";
    static final Duration MAX_LIFETIME = Duration.ofHours(24);
    public static final String SECRET = "IDENTITY_ASSERTION";

    private final Secret secret;

    public IdentityAssertions(Secret secret) {
        if (secret.versions().current().length < 16) {
            throw new IllegalArgumentException("identity assertion key too short");
        }
        this.secret = secret;
    }

    /** {@code IDENTITY_ASSERTION_SECRET_ARN}: the secret the company's app shares with the suite. */
    public static IdentityAssertions from(Secrets secrets) {
        return new IdentityAssertions(secrets.secret(SECRET));
    }

    /** Empty when the claim proves {@code subjectId} for {@code email} now, else why not (for the field error). */
    public Optional<String> refusal(Submission.IdentityClaim claim, String email, Instant now) {
        if (claim.expiresAt() <= now.getEpochSecond()) {
            return Optional.of("the identity assertion has expired; ask the app for a fresh one");
        }
        if (claim.expiresAt() > now.plus(MAX_LIFETIME).getEpochSecond()) {
            return Optional.of("the identity assertion may be valid for at most " + MAX_LIFETIME.toHours() + " hours");
        }
        byte[] given = claim.signature().getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : secret.versions().all()) {
            byte[] expected = sign(key, claim.subjectId(), email, claim.expiresAt()).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given)) {
                return Optional.empty();
            }
        }
        return Optional.of("the identity assertion is not valid for this address");
    }

    /** The signature the company's app computes (also what tests and the README snippet do). */
    public static String sign(byte[] key, String subjectId, String email, long expiresAt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((CONTEXT + "\n" + subjectId + "\n" + email + "\n" + expiresAt)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
