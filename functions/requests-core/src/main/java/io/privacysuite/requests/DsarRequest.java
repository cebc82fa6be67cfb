package io.privacysuite.requests;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A data subject request and its audit trail, stored as one item so that a state change and its audit entry
 * are written together or not at all. {@code version} guards every write (optimistic concurrency).
 *
 * @param email           the address the person gave; needed to answer them, erased with the record
 * @param verifyTokenHash SHA-256 (hex) of the emailed single-use verification token; the token itself is never stored
 * @param statusTokenHash SHA-256 (hex) of the token in the person's status link, issued at verification
 * @param dispatchedAt    when the acknowledgement and the processing message were sent (null until then)
 * @param remindersSent   operator reminders already sent: "7d", "2d", "overdue"
 */
public record DsarRequest(
        String requestId,
        RequestType type,
        RequestStatus status,
        String siteId,
        String email,
        String emailHash,
        String locale,
        Map<String, String> details,
        List<String> consentIds,
        Instant receivedAt,
        Deadline deadline,
        String verifyTokenHash,
        Instant verifyTokenExpiresAt,
        String statusTokenHash,
        Instant verifiedAt,
        Instant closedAt,
        String closeReason,
        Instant dispatchedAt,
        Set<String> remindersSent,
        List<AuditEntry> audit,
        long version) {

    public DsarRequest {
        details = details == null ? Map.of() : Map.copyOf(details);
        consentIds = consentIds == null ? List.of() : List.copyOf(consentIds);
        remindersSent = remindersSent == null ? Set.of() : Set.copyOf(remindersSent);
        audit = audit == null ? List.of() : List.copyOf(audit);
    }

    /** A copy in a new status with the audit entry for the change appended. */
    public DsarRequest transition(RequestStatus to, Instant at, String actor, String action, String why) {
        return new DsarRequest(requestId, type, to, siteId, email, emailHash, locale, details, consentIds, receivedAt,
                deadline, verifyTokenHash, verifyTokenExpiresAt, statusTokenHash, verifiedAt,
                to.isClosed() ? at : closedAt, to.isClosed() ? why : closeReason, dispatchedAt, remindersSent,
                append(new AuditEntry(at, actor, action, status.wire(), to.wire(), why)), version);
    }

    public DsarRequest verified(Instant at, String statusTokenHash) {
        DsarRequest next = transition(RequestStatus.VERIFIED, at, "subject", "verify", "identity confirmed by emailed link");
        return new DsarRequest(requestId, type, next.status, siteId, email, emailHash, locale, details, consentIds,
                receivedAt, deadline, verifyTokenHash, verifyTokenExpiresAt, statusTokenHash, at, closedAt,
                closeReason, dispatchedAt, remindersSent, next.audit, version);
    }

    public DsarRequest withDeadline(Deadline newDeadline, Instant at, String actor, String why) {
        return new DsarRequest(requestId, type, status, siteId, email, emailHash, locale, details, consentIds,
                receivedAt, newDeadline, verifyTokenHash, verifyTokenExpiresAt, statusTokenHash, verifiedAt, closedAt,
                // Reminders count down to the new date.
                closeReason, dispatchedAt, Set.of(),
                append(new AuditEntry(at, actor, "extend", status.wire(), status.wire(),
                        why + " (due " + deadline.dueOn() + " -> " + newDeadline.dueOn() + ")")), version);
    }

    public DsarRequest dispatched(Instant at) {
        return new DsarRequest(requestId, type, status, siteId, email, emailHash, locale, details, consentIds,
                receivedAt, deadline, verifyTokenHash, verifyTokenExpiresAt, statusTokenHash, verifiedAt, closedAt,
                closeReason, at, remindersSent, audit, version);
    }

    public DsarRequest withReminder(String reminder, Instant at, String why) {
        Set<String> sent = new TreeSet<>(remindersSent);
        sent.add(reminder);
        List<AuditEntry> trail = "overdue".equals(reminder)
                ? append(new AuditEntry(at, "system", "flag_overdue", status.wire(), status.wire(), why))
                : audit;
        return new DsarRequest(requestId, type, status, siteId, email, emailHash, locale, details, consentIds,
                receivedAt, deadline, verifyTokenHash, verifyTokenExpiresAt, statusTokenHash, verifiedAt, closedAt,
                closeReason, dispatchedAt, sent, trail, version);
    }

    /** A copy with audit entries appended, status unchanged (e.g. what fulfilment did per data source). */
    public DsarRequest withAudit(List<AuditEntry> entries) {
        List<AuditEntry> trail = new ArrayList<>(audit);
        trail.addAll(entries);
        return new DsarRequest(requestId, type, status, siteId, email, emailHash, locale, details, consentIds,
                receivedAt, deadline, verifyTokenHash, verifyTokenExpiresAt, statusTokenHash, verifiedAt, closedAt,
                closeReason, dispatchedAt, remindersSent, trail, version);
    }

    /** True when the trail already holds an entry with this action (idempotent re-processing). */
    public boolean hasAudit(String action) {
        return audit.stream().anyMatch(e -> e.action().equals(action));
    }

    public boolean isOverdue(Instant now) {
        return status.isOpen() && deadline.isOverdue(now);
    }

    private List<AuditEntry> append(AuditEntry entry) {
        List<AuditEntry> trail = new ArrayList<>(audit);
        trail.add(entry);
        return trail;
    }
}
