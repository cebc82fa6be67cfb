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

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public ConsentRecord withKey(String newKey) {
        return toBuilder().key(newKey).build();
    }

    public ConsentRecord withCategories(Categories claimed) {
        return toBuilder().categories(claimed).build();
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

    /** Mutable builder for new records and copies; every setter returns this. */
    public static final class Builder {
        private String consentId;
        private int version;
        private String siteId;
        private String siteGroup;
        private Categories categories;
        private ConsentMethod method;
        private String bannerVersion;
        private String pageUrl;
        private String tcString;
        private String ipAnonymized;
        private boolean gpc;
        private Instant recordedAt;
        private Instant validUntil;
        private Instant expiresAt;
        private String retentionRule;
        private String key;
        private String requestId;
        private String requestHash;

        private Builder() {}

        private Builder(ConsentRecord r) {
            consentId = r.consentId;
            version = r.version;
            siteId = r.siteId;
            siteGroup = r.siteGroup;
            categories = r.categories;
            method = r.method;
            bannerVersion = r.bannerVersion;
            pageUrl = r.pageUrl;
            tcString = r.tcString;
            ipAnonymized = r.ipAnonymized;
            gpc = r.gpc;
            recordedAt = r.recordedAt;
            validUntil = r.validUntil;
            expiresAt = r.expiresAt;
            retentionRule = r.retentionRule;
            key = r.key;
            requestId = r.requestId;
            requestHash = r.requestHash;
        }

        public Builder consentId(String v) { consentId = v; return this; }
        public Builder version(int v) { version = v; return this; }
        public Builder siteId(String v) { siteId = v; return this; }
        public Builder siteGroup(String v) { siteGroup = v; return this; }
        public Builder categories(Categories v) { categories = v; return this; }
        public Builder method(ConsentMethod v) { method = v; return this; }
        public Builder bannerVersion(String v) { bannerVersion = v; return this; }
        public Builder pageUrl(String v) { pageUrl = v; return this; }
        public Builder tcString(String v) { tcString = v; return this; }
        public Builder ipAnonymized(String v) { ipAnonymized = v; return this; }
        public Builder gpc(boolean v) { gpc = v; return this; }
        public Builder recordedAt(Instant v) { recordedAt = v; return this; }
        public Builder validUntil(Instant v) { validUntil = v; return this; }
        public Builder expiresAt(Instant v) { expiresAt = v; return this; }
        public Builder retentionRule(String v) { retentionRule = v; return this; }
        public Builder key(String v) { key = v; return this; }
        public Builder requestId(String v) { requestId = v; return this; }
        public Builder requestHash(String v) { requestHash = v; return this; }

        public ConsentRecord build() {
            return new ConsentRecord(consentId, version, siteId, siteGroup, categories, method, bannerVersion, pageUrl,
                    tcString, ipAnonymized, gpc, recordedAt, validUntil, expiresAt, retentionRule, key, requestId,
                    requestHash);
        }
    }
}
