package io.privacysuite.requests;

import io.privacysuite.notify.Notification;
import java.time.Instant;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A data subject request and its audit trail, stored as one item so that a state change and its audit entry
 * are written together or not at all. {@code version} guards every write (optimistic concurrency). Copies are made
 * with {@link #toBuilder()}.
 *
 * @param email              the verified address the person gave; needed to answer them, erased with the record
 * @param subjectIds         identifiers proven at intake by an identity assertion the company's app signed for this
 *                           address; never an identifier typed into the form
 * @param ignoredIdentifiers names (never values) of identifiers the form gave without proof, which nothing searches
 * @param verifyTokenHash    SHA-256 (hex) of the emailed single-use verification token; the token itself is never stored
 * @param statusTokenHash    SHA-256 (hex) of the token in the person's status link, issued at verification
 * @param closedLate         closed (by anyone) after the legal due date
 * @param dispatchedAt       when the acknowledgement and the processing message were sent (null until then)
 * @param downloadTokenHash  SHA-256 (hex) of the token in the emailed download links of an export
 * @param downloadExpiresAt  until when those links work (the export files expire then)
 * @param remindersSent      operator reminders already sent: "7d", "2d", "overdue"
 * @param pendingNotices     emails owed for a change of this request, written in the same write as the change and
 *                           removed once queued: a change is never recorded without the answer it owes (an outbox).
 *                           They hold no link token (the sender re-derives it), only what the email says.
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
        List<String> subjectIds,
        List<String> ignoredIdentifiers,
        Instant receivedAt,
        Deadline deadline,
        String verifyTokenHash,
        Instant verifyTokenExpiresAt,
        String statusTokenHash,
        Instant verifiedAt,
        Instant closedAt,
        String closeReason,
        boolean closedLate,
        Instant dispatchedAt,
        String downloadTokenHash,
        Instant downloadExpiresAt,
        Set<String> remindersSent,
        List<Notification> pendingNotices,
        List<AuditEntry> audit,
        long version) {

    public DsarRequest {
        details = details == null ? Map.of() : Map.copyOf(details);
        consentIds = consentIds == null ? List.of() : List.copyOf(consentIds);
        subjectIds = subjectIds == null ? List.of() : List.copyOf(subjectIds);
        ignoredIdentifiers = ignoredIdentifiers == null ? List.of() : List.copyOf(ignoredIdentifiers);
        remindersSent = remindersSent == null ? Set.of() : Set.copyOf(remindersSent);
        pendingNotices = pendingNotices == null ? List.of() : List.copyOf(pendingNotices);
        audit = audit == null ? List.of() : List.copyOf(audit);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * A copy in a new status with the audit entry for the change appended. Closing after the due date also marks the
     * request {@code closedLate} with an audit entry saying so, whoever closes it.
     */
    public DsarRequest transition(RequestStatus to, Instant at, String actor, String action, String why) {
        List<AuditEntry> trail = append(new AuditEntry(at, actor, action, status.wire(), to.wire(), why));
        Builder next = toBuilder().status(to).audit(trail);
        if (to.isClosed()) {
            next.closedAt(at).closeReason(why);
            if (deadline.isOverdue(at)) {
                trail.add(new AuditEntry(at, actor, "closed_late", to.wire(), to.wire(),
                        "closed after the due date " + deadline.dueOn()));
                next.closedLate(true).audit(trail);
            }
        }
        return next.build();
    }

    public DsarRequest verified(Instant at, String statusTokenHash) {
        return transition(RequestStatus.VERIFIED, at, "subject", "verify", "identity confirmed by emailed link")
                .toBuilder().statusTokenHash(statusTokenHash).verifiedAt(at).build();
    }

    public DsarRequest withDeadline(Deadline newDeadline, Instant at, String actor, String why) {
        return toBuilder().deadline(newDeadline)
                // Reminders count down to the new date.
                .remindersSent(Set.of())
                .audit(append(new AuditEntry(at, actor, "extend", status.wire(), status.wire(),
                        why + " (due " + deadline.dueOn() + " -> " + newDeadline.dueOn() + ")")))
                .build();
    }

    public DsarRequest dispatched(Instant at) {
        return toBuilder().dispatchedAt(at).build();
    }

    public DsarRequest withReminder(String reminder, Instant at, String why) {
        Set<String> sent = new TreeSet<>(remindersSent);
        sent.add(reminder);
        List<AuditEntry> trail = "overdue".equals(reminder)
                ? append(new AuditEntry(at, "system", "flag_overdue", status.wire(), status.wire(), why))
                : audit;
        return toBuilder().remindersSent(sent).audit(trail).build();
    }

    /** A copy owing {@code notice} too (one with the same id is replaced): written with the change that owes it. */
    public DsarRequest withPendingNotice(Notification notice) {
        List<Notification> owed = new ArrayList<>(pendingNotices.stream().filter(n -> !n.id().equals(notice.id())).toList());
        owed.add(notice);
        return toBuilder().pendingNotices(owed).build();
    }

    /** A copy that no longer owes the notices with these ids (they are queued). */
    public DsarRequest withoutPendingNotices(Collection<String> ids) {
        return toBuilder().pendingNotices(pendingNotices.stream().filter(n -> !ids.contains(n.id())).toList()).build();
    }

    /** A copy with audit entries appended, status unchanged (e.g. what fulfilment did per data source). */
    public DsarRequest withAudit(List<AuditEntry> entries) {
        List<AuditEntry> trail = new ArrayList<>(audit);
        trail.addAll(entries);
        return toBuilder().audit(trail).build();
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

    /** Mutable builder for copies; every setter returns this. */
    public static final class Builder {
        private String requestId;
        private RequestType type;
        private RequestStatus status;
        private String siteId;
        private String email;
        private String emailHash;
        private String locale;
        private Map<String, String> details;
        private List<String> consentIds;
        private List<String> subjectIds;
        private List<String> ignoredIdentifiers;
        private Instant receivedAt;
        private Deadline deadline;
        private String verifyTokenHash;
        private Instant verifyTokenExpiresAt;
        private String statusTokenHash;
        private Instant verifiedAt;
        private Instant closedAt;
        private String closeReason;
        private boolean closedLate;
        private Instant dispatchedAt;
        private String downloadTokenHash;
        private Instant downloadExpiresAt;
        private Set<String> remindersSent;
        private List<Notification> pendingNotices;
        private List<AuditEntry> audit;
        private long version;

        private Builder() {}

        private Builder(DsarRequest r) {
            requestId = r.requestId;
            type = r.type;
            status = r.status;
            siteId = r.siteId;
            email = r.email;
            emailHash = r.emailHash;
            locale = r.locale;
            details = r.details;
            consentIds = r.consentIds;
            subjectIds = r.subjectIds;
            ignoredIdentifiers = r.ignoredIdentifiers;
            receivedAt = r.receivedAt;
            deadline = r.deadline;
            verifyTokenHash = r.verifyTokenHash;
            verifyTokenExpiresAt = r.verifyTokenExpiresAt;
            statusTokenHash = r.statusTokenHash;
            verifiedAt = r.verifiedAt;
            closedAt = r.closedAt;
            closeReason = r.closeReason;
            closedLate = r.closedLate;
            dispatchedAt = r.dispatchedAt;
            downloadTokenHash = r.downloadTokenHash;
            downloadExpiresAt = r.downloadExpiresAt;
            remindersSent = r.remindersSent;
            pendingNotices = r.pendingNotices;
            audit = r.audit;
            version = r.version;
        }

        public Builder requestId(String v) { requestId = v; return this; }
        public Builder type(RequestType v) { type = v; return this; }
        public Builder status(RequestStatus v) { status = v; return this; }
        public Builder siteId(String v) { siteId = v; return this; }
        public Builder email(String v) { email = v; return this; }
        public Builder emailHash(String v) { emailHash = v; return this; }
        public Builder locale(String v) { locale = v; return this; }
        public Builder details(Map<String, String> v) { details = v; return this; }
        public Builder consentIds(List<String> v) { consentIds = v; return this; }
        public Builder subjectIds(List<String> v) { subjectIds = v; return this; }
        public Builder ignoredIdentifiers(List<String> v) { ignoredIdentifiers = v; return this; }
        public Builder receivedAt(Instant v) { receivedAt = v; return this; }
        public Builder deadline(Deadline v) { deadline = v; return this; }
        public Builder verifyTokenHash(String v) { verifyTokenHash = v; return this; }
        public Builder verifyTokenExpiresAt(Instant v) { verifyTokenExpiresAt = v; return this; }
        public Builder statusTokenHash(String v) { statusTokenHash = v; return this; }
        public Builder verifiedAt(Instant v) { verifiedAt = v; return this; }
        public Builder closedAt(Instant v) { closedAt = v; return this; }
        public Builder closeReason(String v) { closeReason = v; return this; }
        public Builder closedLate(boolean v) { closedLate = v; return this; }
        public Builder dispatchedAt(Instant v) { dispatchedAt = v; return this; }
        public Builder downloadTokenHash(String v) { downloadTokenHash = v; return this; }
        public Builder downloadExpiresAt(Instant v) { downloadExpiresAt = v; return this; }
        public Builder remindersSent(Set<String> v) { remindersSent = v; return this; }
        public Builder pendingNotices(List<Notification> v) { pendingNotices = v; return this; }
        public Builder audit(List<AuditEntry> v) { audit = v; return this; }
        public Builder version(long v) { version = v; return this; }

        public DsarRequest build() {
            return new DsarRequest(requestId, type, status, siteId, email, emailHash, locale, details, consentIds,
                    subjectIds, ignoredIdentifiers, receivedAt, deadline, verifyTokenHash, verifyTokenExpiresAt,
                    statusTokenHash, verifiedAt, closedAt, closeReason, closedLate, dispatchedAt, downloadTokenHash,
                    downloadExpiresAt, remindersSent, pendingNotices, audit, version);
        }
    }
}
