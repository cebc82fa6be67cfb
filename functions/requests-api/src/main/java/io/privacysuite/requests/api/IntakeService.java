package io.privacysuite.requests.api;

import io.privacysuite.consent.ConsentProofs;
import io.privacysuite.consent.SiteRegistry;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.errors.FieldErrors;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.UnsubscribeLinks;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.Dispatcher;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.ExportFiles;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.Tokens;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Intake, verification by emailed link, the person's status view and one-click unsubscribe. Intake does the
 * same work for every well-formed request, known address or not: it never looks the address up, so neither the
 * answer nor its timing can reveal whether someone is a customer.
 */
public final class IntakeService {
    private final SiteRegistry sites;
    private final RequestStore store;
    private final RateLimiter rateLimiter;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final EmailPreferences preferences;
    private final UnsubscribeLinks unsubscribeLinks;
    private final ConsentProofs consentProofs;
    private final IdentityAssertions identityAssertions;
    private final ExportDownloads downloads;
    private final LegalClock legalClock;
    private final RetentionPolicy retention;
    private final Limits limits;
    private final String publicBaseUrl;
    private final Clock clock;

    /**
     * Requests allowed per hour from one address (also per mailbox: case, {@code +tag} and Unicode domain spellings
     * count as one) and from one IP (an IPv6 client also per /64, the block one subscriber usually holds).
     */
    public record Limits(int perAddressPerHour, int perIpPerHour) {}

    /** Where intake reads and writes: sites, requests, email preferences, and the export files' download links. */
    public record Stores(SiteRegistry sites, RequestStore requests, EmailPreferences preferences,
                         ExportDownloads downloads) {}

    /** What checks that a person holds what they name: consent keys, identity assertions, unsubscribe links. */
    public record Proofs(ConsentProofs consents, IdentityAssertions identities, UnsubscribeLinks unsubscribeLinks) {}

    /** The rules intake applies: the legal clock, the retention policy, the rate limits, the public base URL. */
    public record Rules(LegalClock legalClock, RetentionPolicy retention, Limits limits, String publicBaseUrl) {}

    public IntakeService(Stores stores, Proofs proofs, Rules rules, RateLimiter rateLimiter, Outbox outbox,
                         Dispatcher dispatcher, Clock clock) {
        this.sites = stores.sites();
        this.store = stores.requests();
        this.rateLimiter = rateLimiter;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.preferences = stores.preferences();
        this.unsubscribeLinks = proofs.unsubscribeLinks();
        this.consentProofs = proofs.consents();
        this.identityAssertions = proofs.identities();
        this.downloads = stores.downloads();
        this.legalClock = rules.legalClock();
        this.retention = rules.retention();
        this.limits = rules.limits();
        String base = rules.publicBaseUrl();
        this.publicBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.clock = clock;
    }

    /** The new request's id, for logs only: it is never returned to the caller. */
    public String submit(Submission submission, String sourceIp) {
        Instant now = clock.instant();
        String emailHash = EmailAddresses.hash(submission.email());
        if (sites.find(submission.siteId()).isEmpty()) {
            throw DomainException.invalid(Map.of("siteId", "unknown site"));
        }
        List<String> subjectIds = List.of();
        if (submission.identity() != null) {
            identityAssertions.refusal(submission.identity(), submission.email(), now).ifPresent(why -> {
                throw DomainException.invalid(Map.of("identity", why));
            });
            subjectIds = List.of(submission.identity().subjectId());
        }
        List<String> consentIds = provenConsentIds(submission.consents());
        String requestId = UUID.randomUUID().toString();
        String token = Tokens.newToken();
        Instant tokenExpiresAt = now.plus(retention.verificationWindow());
        List<AuditEntry> audit = new ArrayList<>();
        String pending = RequestStatus.PENDING_VERIFICATION.wire();
        audit.add(new AuditEntry(now, "subject", "receive", "none", pending, "submitted through the intake API"
                + (subjectIds.isEmpty() ? "" : "; 1 subject id proven by an identity assertion")));
        if (!submission.ignoredIdentifiers().isEmpty()) {
            // Names only: the value someone typed may be another person's identifier.
            audit.add(new AuditEntry(now, "system", "ignore_identifier", pending, pending, "details."
                    + String.join(", details.", submission.ignoredIdentifiers())
                    + " given without proof (no identity assertion): not searched"));
        }
        DsarRequest request = DsarRequest.builder().requestId(requestId).type(submission.type())
                .status(RequestStatus.PENDING_VERIFICATION).siteId(submission.siteId()).email(submission.email())
                .emailHash(emailHash).locale(submission.locale()).details(submission.details()).consentIds(consentIds)
                .subjectIds(subjectIds).ignoredIdentifiers(submission.ignoredIdentifiers()).receivedAt(now)
                .deadline(legalClock.deadlineFor(now)).verifyTokenHash(Tokens.sha256Hex(token))
                .verifyTokenExpiresAt(tokenExpiresAt).audit(audit).build();
        List<RequestStore.Counter> counters = new ArrayList<>();
        counters.add(rateLimiter.hit("addr", emailHash, limits.perAddressPerHour(), now));
        // The mailbox as well: Ann+1@… and ann@… are one inbox to flood.
        counters.add(rateLimiter.hit("mbox", Tokens.sha256Hex(EmailAddresses.mailbox(submission.email())),
                limits.perAddressPerHour(), now));
        if (sourceIp != null) {
            counters.add(rateLimiter.hit("ip", Tokens.sha256Hex("ip:" + sourceIp), limits.perIpPerHour(), now));
            RateLimiter.ipv6Network(sourceIp).ifPresent(net ->
                    counters.add(rateLimiter.hit("net", Tokens.sha256Hex("net:" + net), limits.perIpPerHour(), now)));
        }
        try {
            // The request and every counter in one transaction: a refused request leaves no trace.
            store.create(request, now, counters);
        } catch (RequestStore.CounterFullException e) {
            throw DomainException.limited(rateLimiter.retryAfter(now));
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("requestId", requestId);
        data.put("type", submission.type().wire());
        data.put("verifyUrl", verifyUrl(requestId, token, tokenExpiresAt));
        data.put("expiresInHours", Long.toString(retention.verificationWindow().toHours()));
        // The first notice says when to expect an answer (CCPA regs 7021; the GDPR month runs from receipt).
        data.put("dueOn", request.deadline().dueOn().toString());
        data.put("siteId", submission.siteId());
        try {
            outbox.notify(Notification.transactional("verify-" + requestId, EmailTemplate.REQUEST_VERIFY,
                    submission.locale(), submission.email(), data, requestId));
        } catch (RuntimeException queueFailed) {
            // Without its email nobody can ever verify the request: take it back with its counts, so the person's
            // retry is the one request (not a second one beside a dead one) and is not counted against them.
            try {
                store.discardNew(requestId, counters);
            } catch (RuntimeException alsoFailed) {
                queueFailed.addSuppressed(alsoFailed);
            }
            throw queueFailed;
        }
        return requestId;
    }

    /** Only consents the person proves to hold (a live version's key) are acted on. */
    private List<String> provenConsentIds(List<Submission.ConsentProof> consents) {
        FieldErrors errors = new FieldErrors();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < consents.size(); i++) {
            Submission.ConsentProof proof = consents.get(i);
            if (consentProofs.holds(proof.consentId(), proof.key())) {
                ids.add(proof.consentId());
            } else {
                errors.add("consents[" + i + "]", "the key does not prove this consent (or it has expired)");
            }
        }
        errors.throwIfAny();
        return ids;
    }

    String verifyUrl(String requestId, String token, Instant expiresAt) {
        return publicBaseUrl + "/v1/requests/" + requestId + "/verify?token=" + token + "&expires="
                + expiresAt.getEpochSecond();
    }

    public enum VerifyResult { READY, VERIFIED, ALREADY_VERIFIED, EXPIRED, INVALID }

    public record Verification(VerifyResult result, DsarRequest request) {}

    /**
     * What the emailed link opens: reads only (mail scanners open every link). {@code expiresHint} is the expiry
     * printed in the link: when the record is already gone (purged by TTL) it lets the page say "expired" rather than
     * "invalid"; it grants nothing.
     */
    public Verification page(String requestId, String token, String expiresHint) {
        Instant now = clock.instant();
        Optional<DsarRequest> found = store.find(requestId, now);
        if (found.isEmpty()) {
            return new Verification(hintExpired(expiresHint, now) ? VerifyResult.EXPIRED : VerifyResult.INVALID, null);
        }
        DsarRequest request = found.get();
        if (!Tokens.matches(token, request.verifyTokenHash())) {
            return new Verification(VerifyResult.INVALID, null);
        }
        if (request.status() != RequestStatus.PENDING_VERIFICATION) {
            return new Verification(VerifyResult.ALREADY_VERIFIED, request);
        }
        if (!now.isBefore(request.verifyTokenExpiresAt())) {
            return new Verification(VerifyResult.EXPIRED, null);
        }
        return new Verification(VerifyResult.READY, request);
    }

    /** Confirms a request: the POST of the page's form, the one deliberate act that verifies. */
    public Verification confirm(String requestId, String token) {
        Instant now = clock.instant();
        Verification page = page(requestId, token, null);
        DsarRequest request = page.request();
        if (page.result() == VerifyResult.ALREADY_VERIFIED) {
            if (request.dispatchedAt() == null && request.status().isOpen()) {
                request = dispatcher.dispatch(request, null);
            }
            return new Verification(VerifyResult.ALREADY_VERIFIED, request);
        }
        if (page.result() != VerifyResult.READY) {
            return page;
        }
        String statusToken = Tokens.newToken();
        DsarRequest verified;
        try {
            verified = store.update(request.verified(now, Tokens.sha256Hex(statusToken)), now);
        } catch (RequestStore.ConcurrentChangeException e) {
            DsarRequest latest = store.find(requestId, now).orElse(request);
            if (latest.dispatchedAt() == null && latest.statusTokenHash() != null
                    && Tokens.matches(statusToken, latest.statusTokenHash())) {
                // Our own write, applied although its answer was lost (the SDK's retry then met it): carry on.
                return new Verification(VerifyResult.VERIFIED, dispatcher.dispatch(latest, statusToken));
            }
            // Two clicks at once: the other one verified it.
            return new Verification(VerifyResult.ALREADY_VERIFIED, latest);
        }
        return new Verification(VerifyResult.VERIFIED, dispatcher.dispatch(verified, statusToken));
    }

    private static boolean hintExpired(String expiresHint, Instant now) {
        try {
            return expiresHint != null && Long.parseLong(expiresHint) <= now.getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The request behind a status link, or empty for an unknown id or a wrong token (indistinguishable). */
    public Optional<DsarRequest> status(String requestId, String token) {
        return store.find(requestId, clock.instant())
                .filter(r -> r.statusTokenHash() != null && Tokens.matches(token, r.statusTokenHash()));
    }

    /** What a download link leads to: a fresh short-lived link to the file, or why not. */
    public record Download(DownloadResult result, String location, DsarRequest request) {}

    public enum DownloadResult { REDIRECT, EXPIRED, INVALID }

    /**
     * A click on an emailed download link (or one on the status page): the download token of the export or the status
     * token opens it until the export expires, with a link presigned now and valid minutes. Nothing is written.
     */
    public Download download(String requestId, String file, String token) {
        Instant now = clock.instant();
        Optional<DsarRequest> found = store.find(requestId, now)
                .filter(r -> ExportFiles.NAMES.contains(file))
                .filter(r -> Tokens.matches(token, r.downloadTokenHash()) || Tokens.matches(token, r.statusTokenHash()));
        if (found.isEmpty() || found.get().downloadExpiresAt() == null) {
            return new Download(DownloadResult.INVALID, null, null);
        }
        if (!now.isBefore(found.get().downloadExpiresAt())) {
            return new Download(DownloadResult.EXPIRED, null, found.get());
        }
        return new Download(DownloadResult.REDIRECT, downloads.presign(ExportFiles.key(requestId, file)), found.get());
    }

    /** A registered site, for its privacy pages. */
    public Optional<io.privacysuite.consent.Site> site(String siteId) {
        return sites.find(siteId);
    }

    /** Records a one-click unsubscribe (a withdrawal of consent to that mail); false for a bad token. */
    public boolean unsubscribe(String token) {
        Optional<UnsubscribeLinks.Target> target = unsubscribeLinks.verify(token);
        target.ifPresent(t -> preferences.optOut(t.addressHash(), t.topic(), "one_click_unsubscribe", clock.instant()));
        return target.isPresent();
    }

    /** What the preferences page shows for a token: whether it holds, whose choices, and what applies now. */
    public record Choices(UnsubscribeLinks.Check check, UnsubscribeLinks.PreferencesTarget target,
                          EmailPreferences.State state) {
        /** Whether the person receives {@code topic} now (no opt-out of it nor of all, no objection). */
        public boolean receives(String topic) {
            return !state.objected() && !state.optedOutTopics().contains(EmailPreferences.ALL_TOPICS)
                    && !state.optedOutTopics().contains(topic);
        }
    }

    /** How a change made on the preferences page is recorded, beside {@code one_click_unsubscribe}. */
    static final String PREFERENCES_PAGE = "preferences_page";

    /** Reads (never changes) the choices a preferences link names. */
    public Choices choices(String token) {
        UnsubscribeLinks.PreferencesCheck check = unsubscribeLinks.verifyPreferences(token, clock.instant());
        if (check.check() != UnsubscribeLinks.Check.VALID) {
            return new Choices(check.check(), check.target(), null);
        }
        return new Choices(check.check(), check.target(),
                preferences.stateOf(check.target().addressHash(), clock.instant()));
    }

    /**
     * Saves the preferences page's choices: {@code wanted} the optional topics ticked, or {@code all} for "unsubscribe
     * from all". Each change is one consent version, recorded as one-click unsubscribe records its own (an opt-out,
     * or an opt-in ending one), with this page as the method; a topic whose choice did not change records nothing.
     */
    public Choices saveChoices(String token, java.util.Set<String> wanted, boolean all) {
        Choices before = choices(token);
        if (before.check() != UnsubscribeLinks.Check.VALID) {
            return before;
        }
        String hash = before.target().addressHash();
        List<String> out = before.state().optedOutTopics();
        boolean allOut = out.contains(EmailPreferences.ALL_TOPICS);
        java.time.Instant now = clock.instant();
        if (all) {
            if (!allOut) {
                preferences.optOut(hash, EmailPreferences.ALL_TOPICS, PREFERENCES_PAGE, now);
            }
        } else if (!allOut || !wanted.isEmpty()) {
            for (String topic : io.privacysuite.notify.EmailTopics.OPTIONAL) {
                boolean want = wanted.contains(topic);
                if (want && out.contains(topic)) {
                    preferences.optIn(hash, topic, PREFERENCES_PAGE, now);
                } else if (!want && !out.contains(topic)) {
                    preferences.optOut(hash, topic, PREFERENCES_PAGE, now);
                }
            }
            if (allOut) {
                preferences.optIn(hash, EmailPreferences.ALL_TOPICS, PREFERENCES_PAGE, now);
            }
        }
        return choices(token);
    }

    public boolean isValidUnsubscribe(String token) {
        return unsubscribeLinks.verify(token).isPresent();
    }
}
