package io.privacysuite.consent;

import java.time.Instant;

/**
 * One immutable version of a visitor's consent, as stored and as signed. A change or a withdrawal appends a
 * new version; versions are never updated in place, so the history is the proof.
 *
 * @param validUntil  when the site must ask again (the site's consent lifetime)
 * @param expiresAt   when the record is erased (the retention rule's TTL); never served after it
 * @param requestId   the client's idempotency key, if it sent one
 * @param requestHash a digest of what the client sent, to tell a retry from a reused key
 */
public record ConsentRecord(
        String consentId,
        int version,
        String siteId,
        String siteGroup,
        Categories categories,
        ConsentMethod method,
        String bannerVersion,
        String pageUrl,
        String tcString,
        String ipAnonymized,
        boolean gpc,
        Instant recordedAt,
        Instant validUntil,
        Instant expiresAt,
        String retentionRule,
        String key,
        String requestId,
        String requestHash) {

    public ConsentRecord withKey(String newKey) {
        return new ConsentRecord(consentId, version, siteId, siteGroup, categories, method, bannerVersion, pageUrl,
                tcString, ipAnonymized, gpc, recordedAt, validUntil, expiresAt, retentionRule, newKey, requestId,
                requestHash);
    }

    public ConsentRecord withCategories(Categories claimed) {
        return new ConsentRecord(consentId, version, siteId, siteGroup, claimed, method, bannerVersion, pageUrl,
                tcString, ipAnonymized, gpc, recordedAt, validUntil, expiresAt, retentionRule, key, requestId,
                requestHash);
    }

    /** Past its retention TTL: treated as erased even if DynamoDB has not removed it yet. */
    public boolean isErased(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** Past the site's consent lifetime: the visitor must be asked again. */
    public boolean isLapsed(Instant now) {
        return !validUntil.isAfter(now);
    }

    /**
     * The exact bytes that the key signs. Length-prefixed fields, so no value can shift into another.
     * Everything the browser might rely on is inside; the idempotency fields are not (they prove nothing).
     */
    public String canonical() {
        StringBuilder sb = new StringBuilder("psc1");
        for (String field : new String[] {
                consentId, Integer.toString(version), siteId, siteGroup, categories.canonical(), method.wire(),
                bannerVersion, pageUrl, tcString == null ? "" : tcString, ipAnonymized == null ? "" : ipAnonymized,
                gpc ? "gpc1" : "gpc0", recordedAt.toString(), validUntil.toString(), expiresAt.toString()}) {
            sb.append('|').append(field.length()).append(':').append(field);
        }
        return sb.toString();
    }
}
