package io.privacysuite.consent;

import io.privacysuite.core.secrets.Secret;
import io.privacysuite.core.secrets.SecretVersions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs consent records with HMAC-SHA256 and checks keys in constant time. A key reads
 * {@code <keyId>.<base64url mac>}; the key id is derived from the secret, so after a rotation the previous
 * secret still verifies the keys it issued.
 */
public final class ConsentSigner {
    private static final String ALGORITHM = "HmacSHA256";
    private final Secret secret;
    private volatile Keys keys;

    /**
     * The secret's versions turned into HMAC keys once per version set (a refresh hands out a new set). Signing needs
     * only the current key; the previous ones are derived (and their value read) when a key id is not the current.
     */
    private static final class Keys {
        final SecretVersions source;
        final String activeKeyId;
        final SecretKeySpec active;
        private volatile Map<String, SecretKeySpec> previous;

        Keys(SecretVersions source) {
            byte[] current = source.current();
            if (current.length < 16) {
                throw new IllegalArgumentException("a signing secret of at least 16 bytes is required");
            }
            this.source = source;
            this.activeKeyId = keyIdOf(current);
            this.active = new SecretKeySpec(current, ALGORITHM);
        }

        SecretKeySpec byId(String keyId) {
            if (keyId.equals(activeKeyId)) {
                return active;
            }
            Map<String, SecretKeySpec> older = previous;
            if (older == null) {
                Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
                for (byte[] value : source.all()) {
                    byId.putIfAbsent(keyIdOf(value), new SecretKeySpec(value, ALGORITHM));
                }
                byId.remove(activeKeyId);
                older = Map.copyOf(byId);
                previous = older;
            }
            return older.get(keyId);
        }
    }

    /** @param secrets the active secret first, then previous ones still accepted for verification */
    public ConsentSigner(List<byte[]> secrets) {
        this(Secret.fixed(secrets));
    }

    /** Reads the secret's current versions on every use (the secret caches and refreshes them). */
    public ConsentSigner(Secret secret) {
        this.secret = secret;
        keys();
    }

    private Keys keys() {
        SecretVersions versions = secret.versions();
        Keys current = keys;
        if (current != null && current.source == versions) {
            return current;
        }
        Keys built = new Keys(versions);
        keys = built;
        return built;
    }

    public String sign(ConsentRecord record) {
        Keys k = keys();
        return k.activeKeyId + "." + mac(k.active, record.canonical());
    }

    /** True when {@code key} was issued for exactly this record by one of our secrets. */
    public boolean verify(ConsentRecord record, String key) {
        if (key == null || key.length() > 200) {
            return false;
        }
        int dot = key.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        SecretKeySpec spec = keys().byId(key.substring(0, dot));
        if (spec == null) {
            // Perhaps signed by a version newer than this container's cache (a rotation in progress).
            secret.refreshSoon();
            return false;
        }
        byte[] expected = mac(spec, record.canonical()).getBytes(StandardCharsets.US_ASCII);
        byte[] given = key.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /** True when {@code key} was issued for one of these versions: whoever holds it holds the consent. */
    public boolean verifiesAny(List<ConsentRecord> versions, String key) {
        return versions.stream().anyMatch(version -> verify(version, key));
    }

    /**
     * The consent id a client's request id maps to on a site: a keyed hash, so a retry finds the same consent
     * while nobody without the secret can tell which id a request id leads to (a name-based UUID of public
     * inputs could be computed by anyone). Shaped as a version 8 (custom) UUID.
     */
    public String consentIdFor(String siteId, String requestId) {
        Keys k = keys();
        String input = "consent-id|" + siteId.length() + ":" + siteId + "|" + requestId.length() + ":" + requestId;
        byte[] digest = rawMac(k.active, input);
        digest[6] = (byte) ((digest[6] & 0x0f) | 0x80);
        digest[8] = (byte) ((digest[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(digest, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
    }

    private static String mac(SecretKeySpec secret, String canonical) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(rawMac(secret, canonical));
    }

    private static byte[] rawMac(SecretKeySpec secret, String input) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    static String keyIdOf(byte[] secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
