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
    /** A site id as a preferences link may carry it, for the page's branding; "-" is no site. */
    private static final Pattern SITE = Pattern.compile("-|[a-z0-9][a-z0-9-]{1,62}");
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,12}");
    /** How long a preferences link works: a newsletter is often read (and its links clicked) months later. */
    public static final java.time.Duration PREFERENCES_VALID = java.time.Duration.ofDays(400);

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

    /** Whose preferences a preferences link opens, and the site whose branding the page wears (null: none). */
    public record PreferencesTarget(String addressHash, String siteId) {}

    /**
     * A preferences link's token: {@code <hash>.p.<site or ->.<expires epoch second>.<mac>}, the MAC under the same
     * secret as the one-click tokens but over a payload of five parts, so neither kind of token passes for the other.
     */
    public String preferencesToken(String addressHash, String siteId, java.time.Instant expires) {
        String site = siteId == null ? "-" : siteId;
        if (!HASH.matcher(addressHash).matches() || !SITE.matcher(site).matches()) {
            throw new IllegalArgumentException("bad preferences target");
        }
        String payload = addressHash + ".p." + site + "." + expires.getEpochSecond();
        return payload + "." + mac(secret.versions().current(), payload);
    }

    /** The preferences page's link for an address, valid {@link #PREFERENCES_VALID} from {@code now}. */
    public String preferencesUrl(String addressHash, String siteId, java.time.Instant now) {
        String site = siteId != null && SITE.matcher(siteId).matches() ? siteId : null;
        return baseUrl + "/v1/email/preferences?token="
                + URLEncoder.encode(preferencesToken(addressHash, site, now.plus(PREFERENCES_VALID)), StandardCharsets.UTF_8);
    }

    /** What a preferences token names, if it is signed by us; {@link Check#EXPIRED} once its time is past. */
    public enum Check { VALID, EXPIRED, INVALID }

    public record PreferencesCheck(Check check, PreferencesTarget target) {}

    public PreferencesCheck verifyPreferences(String token, java.time.Instant now) {
        if (token == null || token.length() > 300) {
            return new PreferencesCheck(Check.INVALID, null);
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 5 || !HASH.matcher(parts[0]).matches() || !"p".equals(parts[1])
                || !SITE.matcher(parts[2]).matches() || !EPOCH.matcher(parts[3]).matches()) {
            return new PreferencesCheck(Check.INVALID, null);
        }
        String payload = parts[0] + ".p." + parts[2] + "." + parts[3];
        if (!signed(payload, parts[4])) {
            return new PreferencesCheck(Check.INVALID, null);
        }
        PreferencesTarget target = new PreferencesTarget(parts[0], "-".equals(parts[2]) ? null : parts[2]);
        boolean expired = now.getEpochSecond() > Long.parseLong(parts[3]);
        return new PreferencesCheck(expired ? Check.EXPIRED : Check.VALID, target);
    }

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
        return signed(parts[0] + "." + parts[1], parts[2]) ? Optional.of(new Target(parts[0], parts[1]))
                : Optional.empty();
    }

    /** Whether {@code signature} is the MAC of {@code payload} under the secret's current or previous version. */
    private boolean signed(String payload, String signature) {
        byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : secret.versions().all()) {
            if (MessageDigest.isEqual(mac(key, payload).getBytes(StandardCharsets.US_ASCII), given)) {
                return true;
            }
        }
        return false;
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
