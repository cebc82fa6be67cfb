package io.privacysuite.requests.api;

import io.privacysuite.core.Env;
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
 * {@code hex(HMAC-SHA256(IDENTITY_ASSERTION_KEY, "privacysuite.identity.v1\n" + subjectId + "\n" + email + "\n" +
 * expiresAt))} with the address in canonical form (lower case, domain in ASCII) and {@code expiresAt} in unix
 * seconds, at most {@link #MAX_LIFETIME} ahead. Checked at intake in constant time; the address is then proven by the
 * emailed link as usual, so an assertion is worth nothing without the mailbox it names.
 */
public final class IdentityAssertions {
    static final String CONTEXT = "privacysuite.identity.v1";
    static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private final byte[] key;

    /** @param key the shared secret, or null when the deployment has none (every assertion is then refused) */
    public IdentityAssertions(byte[] key) {
        if (key != null && key.length < 16) {
            throw new IllegalArgumentException("identity assertion key too short");
        }
        this.key = key == null ? null : key.clone();
    }

    /** {@code IDENTITY_ASSERTION_KEY}, a secret the template resolves from Secrets Manager. */
    public static IdentityAssertions from(Env env) {
        return new IdentityAssertions(env.find("IDENTITY_ASSERTION_KEY")
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null));
    }

    /** Empty when the claim proves {@code subjectId} for {@code email} now, else why not (for the field error). */
    public Optional<String> refusal(Submission.IdentityClaim claim, String email, Instant now) {
        if (key == null) {
            return Optional.of("identity assertions are not accepted by this deployment");
        }
        if (claim.expiresAt() <= now.getEpochSecond()) {
            return Optional.of("the identity assertion has expired; ask the app for a fresh one");
        }
        if (claim.expiresAt() > now.plus(MAX_LIFETIME).getEpochSecond()) {
            return Optional.of("the identity assertion may be valid for at most " + MAX_LIFETIME.toHours() + " hours");
        }
        byte[] expected = sign(key, claim.subjectId(), email, claim.expiresAt()).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, claim.signature().getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("the identity assertion is not valid for this address");
        }
        return Optional.empty();
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
