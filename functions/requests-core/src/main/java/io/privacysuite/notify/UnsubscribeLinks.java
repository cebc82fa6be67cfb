package io.privacysuite.notify;

import io.privacysuite.core.Env;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed one-click unsubscribe links (RFC 8058). The token names the address hash and the topic and carries an
 * HMAC, so the POST needs no cookie or login and nobody can unsubscribe an address they only guess.
 */
public final class UnsubscribeLinks {
    private static final Pattern TOPIC = Pattern.compile("[a-z0-9_-]{1,40}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final byte[] key;
    private final String baseUrl;

    public UnsubscribeLinks(byte[] key, String baseUrl) {
        if (key.length < 16) {
            throw new IllegalArgumentException("unsubscribe signing key too short");
        }
        this.key = key.clone();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** {@code UNSUBSCRIBE_SIGNING_KEY} (a secret resolved by the template) and {@code PUBLIC_BASE_URL}. */
    public static UnsubscribeLinks from(Env env) {
        return new UnsubscribeLinks(env.require("UNSUBSCRIBE_SIGNING_KEY").getBytes(StandardCharsets.UTF_8),
                env.get("PUBLIC_BASE_URL", "http://localhost:3000"));
    }

    public record Target(String addressHash, String topic) {}

    public String token(String addressHash, String topic) {
        if (!HASH.matcher(addressHash).matches() || !TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("bad unsubscribe target");
        }
        String payload = addressHash + "." + topic;
        return payload + "." + mac(payload);
    }

    public String url(String addressHash, String topic) {
        return baseUrl + "/v1/email/unsubscribe?token=" + URLEncoder.encode(token(addressHash, topic), StandardCharsets.UTF_8);
    }

    public Optional<Target> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3 || !HASH.matcher(parts[0]).matches() || !TOPIC.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        String expected = mac(parts[0] + "." + parts[1]);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), parts[2].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        return Optional.of(new Target(parts[0], parts[1]));
    }

    private String mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(("unsubscribe." + payload).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
