package io.privacysuite.consent;

import io.privacysuite.core.Env;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs consent records with HMAC-SHA256 and checks keys in constant time. A key reads
 * {@code <keyId>.<base64url mac>}; the key id is derived from the secret, so after a rotation the previous
 * secret still verifies the keys it issued.
 */
public final class ConsentSigner {
    private static final String ALGORITHM = "HmacSHA256";
    private final String activeKeyId;
    private final Map<String, SecretKeySpec> secrets = new LinkedHashMap<>();

    /** @param secrets the active secret first, then previous ones still accepted for verification */
    public ConsentSigner(List<byte[]> secrets) {
        if (secrets.isEmpty() || secrets.get(0).length < 16) {
            throw new IllegalArgumentException("a signing secret of at least 16 bytes is required");
        }
        for (byte[] secret : secrets) {
            this.secrets.put(keyIdOf(secret), new SecretKeySpec(secret, ALGORITHM));
        }
        this.activeKeyId = keyIdOf(secrets.get(0));
    }

    /**
     * The secret comes from the environment: on AWS through a Secrets Manager dynamic reference resolved at
     * deploy time, so no Secrets Manager client or call adds to the cold start. The previous secret, if set,
     * still verifies keys issued before a rotation.
     */
    public static ConsentSigner fromEnv(Env env) {
        List<byte[]> secrets = new ArrayList<>();
        secrets.add(env.require("CONSENT_SIGNING_KEY").getBytes(StandardCharsets.UTF_8));
        env.find("CONSENT_SIGNING_PREVIOUS_KEY").ifPresent(k -> secrets.add(k.getBytes(StandardCharsets.UTF_8)));
        return new ConsentSigner(secrets);
    }

    public String sign(ConsentRecord record) {
        return activeKeyId + "." + mac(secrets.get(activeKeyId), record.canonical());
    }

    /** True when {@code key} was issued for exactly this record by one of our secrets. */
    public boolean verify(ConsentRecord record, String key) {
        if (key == null) {
            return false;
        }
        int dot = key.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        SecretKeySpec secret = secrets.get(key.substring(0, dot));
        if (secret == null) {
            return false;
        }
        byte[] expected = mac(secret, record.canonical()).getBytes(StandardCharsets.US_ASCII);
        byte[] given = key.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given);
    }

    /** True when {@code key} was issued for one of these versions: whoever holds it holds the consent. */
    public boolean verifiesAny(List<ConsentRecord> versions, String key) {
        return versions.stream().anyMatch(version -> verify(version, key));
    }

    private static String mac(SecretKeySpec secret, String canonical) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
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
