package io.privacysuite.notify;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.PublicBaseUrl;
import io.privacysuite.core.secrets.Secret;
import io.privacysuite.core.secrets.Secrets;
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
 * HMAC, so the POST needs no cookie or login and nobody can unsubscribe an address they only guess. Links are
 * signed with the secret's current version; the previous one still verifies links mailed before a rotation.
 */
public final class UnsubscribeLinks {
    private static final Pattern TOPIC = Pattern.compile("[a-z0-9_-]{1,40}");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    private final Secret secret;
    private final String baseUrl;

    public UnsubscribeLinks(byte[] key, String baseUrl) {
        this(Secret.fixed(java.util.List.of(key)), baseUrl);
    }

    public UnsubscribeLinks(Secret secret, String baseUrl) {
        if (secret.versions().current().length < 16) {
            throw new IllegalArgumentException("unsubscribe signing key too short");
        }
        this.secret = secret;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The {@code UNSUBSCRIBE_SIGNING} secret and the validated {@code PUBLIC_BASE_URL}. */
    public static UnsubscribeLinks from(Secrets secrets, Env env) {
        return new UnsubscribeLinks(secrets.secret(Secrets.UNSUBSCRIBE_SIGNING), PublicBaseUrl.from(env));
    }

    /** As {@link #from(Secrets, Env)} with a Secrets Manager client of its own (tests, tools). */
    public static UnsubscribeLinks from(Env env) {
        return from(Secrets.from(env, new AwsClients(env)), env);
    }

    public record Target(String addressHash, String topic) {}

    public String token(String addressHash, String topic) {
        if (!HASH.matcher(addressHash).matches() || !TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException("bad unsubscribe target");
        }
        String payload = addressHash + "." + topic;
        return payload + "." + mac(secret.versions().current(), payload);
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
        byte[] given = parts[2].getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : secret.versions().all()) {
            byte[] expected = mac(key, parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given)) {
                return Optional.of(new Target(parts[0], parts[1]));
            }
        }
        return Optional.empty();
    }

    private static String mac(byte[] key, String payload) {
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
