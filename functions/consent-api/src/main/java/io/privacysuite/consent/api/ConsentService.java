package io.privacysuite.consent.api;

import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.IpAnonymizer;
import io.privacysuite.consent.PolicyVersion;
import io.privacysuite.consent.PolicyVersions;
import io.privacysuite.consent.Site;
import io.privacysuite.consent.SiteRegistry;
import io.privacysuite.core.Ids;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Records, changes, withdraws and verifies consents. Plain Java: the handler only maps HTTP to these calls. */
public final class ConsentService {
    private final SiteRegistry sites;
    private final ConsentStore store;
    private final ConsentSigner signer;
    private final RetentionPolicy retention;
    private final Clock clock;
    private final PolicyVersions policies;

    public ConsentService(SiteRegistry sites, ConsentStore store, ConsentSigner signer, RetentionPolicy retention,
                          Clock clock) {
        this(sites, store, signer, retention, clock, PolicyVersions.NONE);
    }

    /** With the published privacy-policy versions: a material change in effect outdates earlier consents. */
    public ConsentService(SiteRegistry sites, ConsentStore store, ConsentSigner signer, RetentionPolicy retention,
                          Clock clock, PolicyVersions policies) {
        this.sites = sites;
        this.store = store;
        this.signer = signer;
        this.retention = retention;
        this.clock = clock;
        this.policies = policies;
    }

    /** The policy version in effect and the next one published, for banners to show (and to ask again). */
    public Map<String, Object> policy() {
        Instant now = clock.instant();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        policies.current(now).ifPresent(v -> out.put("current", policyJson(v)));
        policies.upcoming(now).ifPresent(v -> out.put("upcoming", policyJson(v)));
        if (out.isEmpty()) {
            throw DomainException.notFound("Policy version");
        }
        return out;
    }

    private static Map<String, Object> policyJson(PolicyVersion v) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("version", v.version());
        out.put("effectiveAt", v.effectiveAt().toString());
        out.put("summary", v.summary());
        out.put("link", v.link());
        out.put("material", v.material());
        return out;
    }

    /**
     * Where the request came from, as the server saw it; the raw IP never leaves this object. {@code origin} is the
     * request's Origin header (null when absent): a replay must come from the origin of the original.
     */
    public record Visitor(String sourceIp, boolean gpcSignal, String origin) {
        public Visitor(String sourceIp, boolean gpcSignal) {
            this(sourceIp, gpcSignal, null);
        }
    }

    /** A stored version and whether this call only replayed an earlier identical request. */
    public record Outcome(ConsentRecord record, boolean replayed) {}

    public enum Status { VALID, INVALID, EXPIRED, OUTDATED_VERSION, SUPERSEDED }

    public record Verification(Status status, ConsentRecord record, int latestVersion, String currentBannerVersion) {}

    /** What the visitor chose, as a version records it. */
    private record Choice(ConsentMethod method, Categories categories, String bannerVersion, String pageUrl,
                          String tcString) {
        static Choice of(ConsentSubmission s) {
            return new Choice(s.method(), s.categories(), s.bannerVersion(), s.pageUrl(), s.tcString());
        }
    }

    /** The client's idempotency key and the digest of what it asked with it (both null without a key). */
    private record ClientRequest(String id, String digest) {
        static final ClientRequest NONE = new ClientRequest(null, null);
    }

    public Site site(String siteId) {
        if (!Ids.isSiteId(siteId)) {
            throw DomainException.notFound("Site");
        }
        return sites.find(siteId).orElseThrow(() -> DomainException.notFound("Site"));
    }

    /** Signs a throwaway version in memory (see ConsentApiHandler#prime); nothing is stored. */
    void prime(ConsentSubmission submission) {
        Site site = new Site("__priming__", "priming", "priming", "priming", List.of(), "priming", 12, clock.instant());
        newVersion(site, UUID.randomUUID().toString(), 1, Choice.of(submission), new Visitor("192.0.2.1", false),
                ClientRequest.NONE);
    }

    /**
     * Records a first version. With a client request id the consent id is derived from it (keyed, see
     * {@link ConsentSigner#consentIdFor}), so the conditional put makes a retry idempotent. A retry gets the stored
     * record and its key back only when body, Origin and GPC signal are exactly those of the original; anything
     * else is 409 without saying what differs (a stranger must learn nothing about the visitor's choice).
     */
    public Outcome record(Site site, ConsentSubmission submission, Visitor visitor) {
        requireOnSite(site, submission.pageUrl());
        String requestId = submission.clientRequestId();
        String consentId = requestId == null
                ? UUID.randomUUID().toString()
                : signer.consentIdFor(site.siteId(), requestId);
        String digest = requestId == null ? null : submission.digest(visitor.origin(), visitor.gpcSignal());
        ConsentRecord record = newVersion(site, consentId, 1, Choice.of(submission), visitor,
                new ClientRequest(requestId, digest));
        if (store.append(record)) {
            return new Outcome(record, false);
        }
        ConsentRecord existing = store.version(consentId, 1)
                .orElseThrow(() -> DomainException.conflict("concurrent_write", "The consent is being written; retry."));
        if (!existing.siteId().equals(site.siteId()) || !sameRequest(digest, existing.requestHash())) {
            throw reused();
        }
        if (existing.isErased(clock.instant())) {
            throw DomainException.gone("That request id belongs to a consent that has expired; use a new one.");
        }
        return new Outcome(existing, true);
    }

    /** Appends a new version to a consent the caller proves to hold (the key of any of its live versions). */
    public Outcome change(Site site, String consentId, String key, ConsentSubmission submission, Visitor visitor) {
        requireOnSite(site, submission.pageUrl());
        String requestId = submission.clientRequestId();
        String digest = requestId == null ? null : submission.digest(visitor.origin(), visitor.gpcSignal());
        ClientRequest request = new ClientRequest(requestId, digest);
        return appendVersion(site, consentId, key, request, latest -> newVersion(site, consentId,
                latest.version() + 1, Choice.of(submission), visitor, request));
    }

    /** Withdrawal is a version like any other (logged, signed), refusing every optional category. */
    public Outcome withdraw(Site site, String consentId, String key, String pageUrl, String requestId, Visitor visitor) {
        if (pageUrl != null) {
            requireOnSite(site, pageUrl);
        }
        String digest = requestId == null ? null : ConsentSubmission.digestOf("withdrawal",
                pageUrl == null ? "" : pageUrl, visitor.origin() == null ? "" : visitor.origin(),
                visitor.gpcSignal() ? "gpc1" : "gpc0");
        ClientRequest request = new ClientRequest(requestId, digest);
        return appendVersion(site, consentId, key, request, latest -> newVersion(site, consentId,
                latest.version() + 1, new Choice(ConsentMethod.WITHDRAWAL, Categories.NONE, latest.bannerVersion(),
                        pageUrl != null ? pageUrl : latest.pageUrl(), null), visitor, request));
    }

    private Outcome appendVersion(Site site, String consentId, String key, ClientRequest request,
                                  java.util.function.Function<ConsentRecord, ConsentRecord> next) {
        List<ConsentRecord> live = liveHistory(site, consentId);
        // The key first: a replay shortcut taken before it would hand the latest key to anyone.
        requireKeyOfAny(live, key);
        ConsentRecord latest = live.get(live.size() - 1);
        if (request.id() != null && request.id().equals(latest.requestId())) {
            if (!sameRequest(request.digest(), latest.requestHash())) {
                throw reused();
            }
            return new Outcome(latest, true);
        }
        ConsentRecord record = next.apply(latest);
        if (!store.append(record)) {
            throw DomainException.conflict("concurrent_change",
                    "The consent was changed at the same moment elsewhere; fetch its latest version and retry.");
        }
        return new Outcome(record, false);
    }

    public Verification verify(Site site, String consentId, Integer version, String key, Categories claimed) {
        List<ConsentRecord> all = Ids.isUuid(consentId) ? store.history(consentId) : List.of();
        if (all.isEmpty()) {
            throw DomainException.notFound("Consent");
        }
        Instant now = clock.instant();
        ConsentRecord latest = all.get(all.size() - 1);
        Optional<ConsentRecord> target = version == null
                ? Optional.of(latest)
                : all.stream().filter(r -> r.version() == version).findFirst();
        if (target.isEmpty()) {
            return new Verification(Status.INVALID, null, latest.version(), site.bannerVersion());
        }
        ConsentRecord record = target.get();
        if (record.isErased(now) || record.isLapsed(now)) {
            // Nothing from an expired record is served, even while TTL deletion lags.
            return new Verification(Status.EXPIRED, null, latest.version(), site.bannerVersion());
        }
        ConsentRecord asClaimed = claimed == null ? record : record.withCategories(claimed);
        if (!record.siteGroup().equals(site.siteGroup()) || !signer.verify(asClaimed, key)) {
            return new Verification(Status.INVALID, null, latest.version(), site.bannerVersion());
        }
        if (record.version() < latest.version() && !latest.isErased(now)) {
            return new Verification(Status.SUPERSEDED, record, latest.version(), site.bannerVersion());
        }
        if (!record.bannerVersion().equals(site.bannerVersion())
                || policies.materialChangeSince(record.recordedAt(), now)) {
            // A new banner, or a material policy change in effect since the consent was given: ask again.
            return new Verification(Status.OUTDATED_VERSION, record, latest.version(), site.bannerVersion());
        }
        return new Verification(Status.VALID, record, latest.version(), site.bannerVersion());
    }

    /** The live versions of a consent, for whoever holds a key of one of them. */
    public List<ConsentRecord> history(Site site, String consentId, String key) {
        List<ConsentRecord> live = liveHistory(site, consentId);
        requireKeyOfAny(live, key);
        return live;
    }

    private List<ConsentRecord> liveHistory(Site site, String consentId) {
        List<ConsentRecord> all = Ids.isUuid(consentId) ? store.history(consentId) : List.of();
        if (all.isEmpty() || !all.get(0).siteGroup().equals(site.siteGroup())) {
            throw DomainException.notFound("Consent");
        }
        Instant now = clock.instant();
        List<ConsentRecord> live = all.stream().filter(r -> !r.isErased(now)).toList();
        if (live.isEmpty()) {
            throw DomainException.gone("This consent has expired and its record was erased; ask the visitor again.");
        }
        return live;
    }

    private static void requireOnSite(Site site, String pageUrl) {
        if (!site.allowsPageUrl(pageUrl)) {
            throw DomainException.invalid(java.util.Map.of("pageUrl",
                    "must be a page on one of the site's registered origins"));
        }
    }

    private static boolean sameRequest(String digest, String stored) {
        return digest != null && stored != null && java.security.MessageDigest.isEqual(
                digest.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }

    private static DomainException reused() {
        return DomainException.conflict("idempotency_key_reused",
                "This request id was already used for another request; send a new one.");
    }

    private void requireKeyOfAny(List<ConsentRecord> versions, String key) {
        if (!signer.verifiesAny(versions, key)) {
            throw DomainException.forbidden("invalid_key", "The key does not belong to this consent.");
        }
    }

    private ConsentRecord newVersion(Site site, String consentId, int version, Choice choice, Visitor visitor,
                                     ClientRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        boolean gpc = visitor.gpcSignal() || choice.method() == ConsentMethod.GPC;
        // A Global Privacy Control signal is a binding opt-out of sale/sharing: marketing stays off.
        Categories effective = gpc ? choice.categories().withoutMarketing() : choice.categories();
        int lifetime = Math.min(site.consentLifetimeMonths(), retention.endUserMonths());
        // The TTL attribute holds whole seconds; the signed record must match what is read back.
        Instant expiresAt = retention.expiryOf(DataCategory.END_USER, now).truncatedTo(ChronoUnit.SECONDS);
        ConsentRecord unsigned = ConsentRecord.builder().consentId(consentId).version(version).siteId(site.siteId())
                .siteGroup(site.siteGroup()).categories(effective).method(choice.method())
                .bannerVersion(choice.bannerVersion()).pageUrl(choice.pageUrl()).tcString(choice.tcString())
                .ipAnonymized(IpAnonymizer.anonymize(visitor.sourceIp())).gpc(gpc).recordedAt(now)
                .validUntil(now.atOffset(ZoneOffset.UTC).plusMonths(lifetime).toInstant()).expiresAt(expiresAt)
                .retentionRule(retention.ruleName(DataCategory.END_USER))
                .requestId(request.id()).requestHash(request.digest()).build();
        return unsigned.withKey(signer.sign(unsigned));
    }
}
