package io.privacysuite.requests.operator;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.SesFeedback;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.Deadline;
import io.privacysuite.requests.DeadlineRuleException;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.Regime;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator actions on requests. Each change is one conditional write of the request with its audit entry
 * (who, when, from, to, why); the person's email is queued right after. If queuing fails, the change stands and
 * {@code resendNotice} sends the notice for the latest change again.
 */
public final class RequestOperations {
    private final RequestStore store;
    private final LegalClock legalClock;
    private final Outbox outbox;
    private final EmailPreferences preferences;
    private final Metrics metrics;
    private final Clock clock;

    public RequestOperations(RequestStore store, LegalClock legalClock, Outbox outbox, EmailPreferences preferences,
                             Metrics metrics, Clock clock) {
        this.store = store;
        this.legalClock = legalClock;
        this.outbox = outbox;
        this.preferences = preferences;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Map<String, Object> status(JsonNode input) {
        return summary(load(input), true);
    }

    public Map<String, Object> listOpen(JsonNode input) {
        Instant now = clock.instant();
        int days = input.path("dueWithinDays").asInt(3660);
        List<Map<String, Object>> open = new ArrayList<>();
        store.forEachOpen(now.plusSeconds(days * 86_400L), now, r -> open.add(summary(r, false)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", open.size());
        out.put("requests", open);
        return out;
    }

    public Map<String, Object> extend(JsonNode input) {
        DsarRequest request = load(input);
        String operator = operator(input);
        requireOpen(request, "extend");
        Regime regime = request.deadline().regime();
        String unitField = regime == Regime.CCPA ? "days" : "months";
        if (!input.path(unitField).canConvertToInt()) {
            throw DomainException.invalid(Map.of(unitField, "required: by how many " + unitField + " to extend"));
        }
        String reason = input.path("reason").asText("");
        Instant now = clock.instant();
        Deadline extended;
        try {
            extended = legalClock.extend(request.deadline(), input.path(unitField).asInt(), reason, now);
        } catch (DeadlineRuleException e) {
            throw DomainException.conflict(e.code(), e.getMessage());
        }
        DsarRequest saved = save(request.withDeadline(extended, now, operator, reason.strip()), now);
        return noticeAndSummary(saved, extendedNotice(saved, reason.strip()));
    }

    public Map<String, Object> reject(JsonNode input) {
        DsarRequest request = load(input);
        String operator = operator(input);
        requireOpen(request, "reject");
        String reason = input.path("reason").asText("").strip();
        if (reason.isEmpty()) {
            throw DomainException.invalid(Map.of("reason", "required: it is emailed to the person"));
        }
        Instant now = clock.instant();
        DsarRequest saved = save(request.transition(RequestStatus.REJECTED, now, operator, "reject", reason), now);
        if (saved.closedLate()) {
            metrics.count(Metrics.Name.RequestsClosedLate);
        }
        return noticeAndSummary(saved, closedNotice(saved, EmailTemplate.REQUEST_REJECTED, Map.of("reason", reason)));
    }

    public Map<String, Object> complete(JsonNode input) {
        DsarRequest request = load(input);
        String operator = operator(input);
        requireOpen(request, "complete");
        String note = input.path("note").asText("").strip();
        Instant now = clock.instant();
        DsarRequest saved = save(request.transition(RequestStatus.COMPLETED, now, operator, "complete",
                note.isEmpty() ? "marked complete" : note), now);
        if (saved.closedLate()) {
            metrics.count(Metrics.Name.RequestsClosedLate);
        }
        return noticeAndSummary(saved, closedNotice(saved, EmailTemplate.REQUEST_COMPLETED,
                note.isEmpty() ? Map.of() : Map.of("note", note)));
    }

    public Map<String, Object> startProcessing(JsonNode input) {
        DsarRequest request = load(input);
        String operator = operator(input);
        if (request.status() != RequestStatus.VERIFIED) {
            throw DomainException.conflict("invalid_state", "Only a verified request can be started; it is "
                    + request.status().wire() + ".");
        }
        Instant now = clock.instant();
        return summary(save(request.transition(RequestStatus.IN_PROGRESS, now, operator, "start",
                input.path("note").asText("processing started")), now), true);
    }

    /**
     * Puts an open request back on the processing queue, e.g. after a data source that made fulfilment fail
     * ({@code needs_attention}) has been fixed. The processor then runs every source again.
     */
    public Map<String, Object> requeue(JsonNode input) {
        DsarRequest request = load(input);
        String operator = operator(input);
        requireOpen(request, "requeue");
        Instant now = clock.instant();
        RequestStatus to = request.status() == RequestStatus.NEEDS_ATTENTION ? RequestStatus.IN_PROGRESS : request.status();
        DsarRequest saved = save(request.transition(to, now, operator, "requeue",
                input.path("note").asText("queued for processing again")), now);
        outbox.process(io.privacysuite.requests.ProcessingMessage.of(saved));
        return summary(saved, true);
    }

    /**
     * Sends the person the notice for the latest extension, rejection or completion again, under a new notification
     * id (the notifier sends each id once, so the operator's resend must not reuse the original's).
     */
    public Map<String, Object> resendNotice(JsonNode input) {
        DsarRequest request = load(input);
        String resend = "-resend-" + clock.millis();
        Notification notice = switch (request.status()) {
            case REJECTED -> closedNotice(request, EmailTemplate.REQUEST_REJECTED, Map.of("reason", request.closeReason()));
            case COMPLETED -> closedNotice(request, EmailTemplate.REQUEST_COMPLETED, Map.of());
            case VERIFIED, IN_PROGRESS -> {
                if (!request.deadline().isExtended()) {
                    throw DomainException.conflict("nothing_to_resend", "The request has no extension, rejection or completion.");
                }
                String[] reasons = request.deadline().extensionReason().split("\n");
                yield extendedNotice(request, reasons[reasons.length - 1]);
            }
            default -> throw DomainException.conflict("nothing_to_resend", "The request is not verified.");
        };
        notice = new Notification(notice.id() + resend, notice.kind(), notice.template(), notice.locale(), notice.to(),
                notice.topic(), notice.data(), notice.ref());
        return noticeAndSummary(request, notice);
    }

    /** Emails the notifier could never send (malformed, unknown template, bad address), each recorded once. */
    public Map<String, Object> failedNotifications() {
        List<Map<String, String>> failed = preferences.failedSends(clock.instant());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", failed.size());
        out.put("notifications", failed);
        return out;
    }

    /** Adds an address to the suppression list: {@code email} + {@code reason}, or an SES notification. */
    public Map<String, Object> suppress(JsonNode input) {
        Instant now = clock.instant();
        List<String> hashes = new ArrayList<>();
        if (input.has("sesNotification")) {
            for (SesFeedback.Suppression s : SesFeedback.suppressionsIn(input.get("sesNotification"))) {
                String hash = EmailAddresses.hash(s.address());
                preferences.suppress(hash, s.reason(), "ses_notification", now);
                hashes.add(hash);
            }
        } else {
            String email = input.path("email").asText("");
            String reason = input.path("reason").asText("");
            if (!EmailAddresses.isSendable(email)) {
                throw DomainException.invalid(Map.of("email", "required: the address to suppress"));
            }
            if (!reason.equals("hard_bounce") && !reason.equals("complaint")) {
                throw DomainException.invalid(Map.of("reason", "must be hard_bounce or complaint"));
            }
            String hash = EmailAddresses.hash(email);
            preferences.suppress(hash, reason, "operator:" + operator(input), now);
            hashes.add(hash);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("suppressed", hashes.size());
        out.put("addressHashes", hashes);
        return out;
    }

    private DsarRequest load(JsonNode input) {
        String requestId = input.path("requestId").asText("");
        if (requestId.isBlank()) {
            throw DomainException.invalid(Map.of("requestId", "required"));
        }
        if (!io.privacysuite.core.Ids.isUuid(requestId)) {
            throw DomainException.notFound("Request"); // no request id looks different; no store read
        }
        return store.find(requestId, clock.instant()).orElseThrow(() -> DomainException.notFound("Request"));
    }

    private static String operator(JsonNode input) {
        String operator = input.path("operator").asText("").strip();
        if (operator.isEmpty() || operator.length() > 100) {
            throw DomainException.invalid(Map.of("operator", "required: who is acting (recorded in the audit trail)"));
        }
        return operator;
    }

    private static void requireOpen(DsarRequest request, String action) {
        if (!request.status().isOpen()) {
            throw DomainException.conflict("invalid_state", "Cannot " + action + " a request that is "
                    + request.status().wire() + ".");
        }
    }

    private DsarRequest save(DsarRequest changed, Instant now) {
        try {
            return store.update(changed, now);
        } catch (RequestStore.ConcurrentChangeException e) {
            throw DomainException.conflict("concurrent_change", "The request changed meanwhile; check its status and retry.");
        }
    }

    private Map<String, Object> noticeAndSummary(DsarRequest saved, Notification notice) {
        Map<String, Object> out = summary(saved, true);
        try {
            outbox.notify(notice);
            out.put("noticeQueued", true);
        } catch (RuntimeException e) {
            out.put("noticeQueued", false);
            out.put("warning", "The change is saved but the email could not be queued; run resendNotice.");
        }
        return out;
    }

    private Notification extendedNotice(DsarRequest r, String reason) {
        Map<String, String> data = base(r);
        data.put("dueOn", r.deadline().dueOn().toString());
        data.put("reason", reason);
        return Notification.transactional("extend-" + r.requestId() + "-" + r.version(), EmailTemplate.REQUEST_EXTENDED,
                r.locale(), r.email(), data, r.requestId());
    }

    private Notification closedNotice(DsarRequest r, EmailTemplate template, Map<String, String> extra) {
        Map<String, String> data = base(r);
        data.putAll(extra);
        return Notification.transactional(template.wire() + "-" + r.requestId(), template, r.locale(), r.email(), data,
                r.requestId());
    }

    private static Map<String, String> base(DsarRequest r) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        data.put("siteId", r.siteId());
        return data;
    }

    /** What an operator sees: no address, only its hash (the console output lands in logs). */
    static Map<String, Object> summary(DsarRequest r, boolean withAudit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requestId", r.requestId());
        out.put("type", r.type().wire());
        out.put("status", r.status().wire());
        out.put("siteId", r.siteId());
        out.put("subjectEmailHash", r.emailHash());
        out.put("locale", r.locale());
        out.put("regime", r.deadline().regime().name());
        out.put("receivedAt", r.receivedAt().toString());
        out.put("receivedOn", r.deadline().receivedOn().toString());
        if (r.deadline().acknowledgeBy() != null) {
            out.put("acknowledgeBy", r.deadline().acknowledgeBy().toString());
        }
        out.put("originalDueOn", r.deadline().originalDueOn().toString());
        out.put("dueOn", r.deadline().dueOn().toString());
        out.put("extension", r.deadline().extension());
        out.put("overdue", r.isOverdue(Instant.now()));
        if (r.closedAt() != null) {
            out.put("closedAt", r.closedAt().toString());
            out.put("closedLate", r.closedLate());
        }
        if (withAudit) {
            List<Map<String, Object>> audit = new ArrayList<>();
            for (AuditEntry e : r.audit()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("at", e.at().toString());
                entry.put("actor", e.actor());
                entry.put("action", e.action());
                entry.put("from", e.from());
                entry.put("to", e.to());
                entry.put("why", e.why());
                audit.add(entry);
            }
            out.put("audit", audit);
        }
        return out;
    }
}
