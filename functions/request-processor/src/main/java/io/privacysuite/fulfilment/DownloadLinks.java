package io.privacysuite.fulfilment;

import io.privacysuite.core.Hashes;
import io.privacysuite.core.secrets.Secret;
import io.privacysuite.requests.Tokens;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The token of an export's download links, derived from the request and the links' expiry with a secret
 * (HMAC-SHA256): only its hash is stored, and yet a later delivery that has to queue the export-ready email again
 * (the first attempt could not reach the queue) re-derives the very token whose hash the request holds, so the one
 * email the notifier sends always carries the one working link.
 */
final class DownloadLinks {
    private final Secret secret;

    DownloadLinks(Secret secret) {
        this.secret = secret;
    }

    /** The token for links to {@code requestId}'s files that expire at {@code expiresAt}, from the current secret. */
    String issue(String requestId, Instant expiresAt) {
        return derive(secret.versions().current(), requestId, expiresAt);
    }

    /** The token issued earlier whose hash is {@code tokenHash}, from any version of the secret still held. */
    Optional<String> reissue(String requestId, Instant expiresAt, String tokenHash) {
        return secret.versions().all().stream().map(key -> derive(key, requestId, expiresAt))
                .filter(token -> Tokens.matches(token, tokenHash)).findFirst();
    }

    private static String derive(byte[] key, String requestId, Instant expiresAt) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Hashes.hmacSha256(key, "download-link\n" + requestId + "\n" + expiresAt));
    }
}
