package io.privacysuite.fulfilment;

import io.privacysuite.core.Forked;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.retention.HoldIndex;
import io.privacysuite.core.secrets.Secret;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.ExportFiles;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.RequestOutcome;
import io.privacysuite.requests.RequestType;
import io.privacysuite.requests.Tokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Carries out one verified request across every source of the data map. Each source's outcome (counts, what was
 * kept and why, failures) is appended to the request's audit trail. A request is completed only when every source
 * answered; otherwise the attempt is recorded and the message retried, and on the queue's last delivery the request
 * becomes {@code needs_attention} and operators are emailed once (the message then moves to the DLQ; only an
 * operator's {@code requeue} starts it again).
 *
 * <p>One delivery at a time: a delivery first takes the request's processing lease ({@link RequestStore#acquireLease});
 * a duplicate delivery that finds it taken does nothing and comes back later ({@link Result#BUSY}); if it is the
 * queue's last delivery, it queues a fresh message for when that lease ends instead ({@link Result#REQUEUED}), since
 * failing it would move the message to the DLQ with no escalation, whatever the running delivery ends with. The sources run
 * once per delivery: a concurrent change of the request item while they ran (intake recording the dispatch, an
 * operator) is met by re-reading the item and applying this delivery's outcome to it, never by running the sources
 * again.
 *
 * <p>Only what the person proved is searched: the verified address, consent ids proven by their keys, subject ids
 * signed for the address by the company's app, and ids the data map resolves from the address. Legal holds, read
 * once per delivery, win: held data is kept and restricted, listed in the email as kept for legal claims, and exported
 * marked as held.
 *
 * <p>Idempotent: a closed request is skipped; a rectification already routed to operators is not routed again; the
 * export files are overwritten under the same keys; connectors' operations can run twice.
 *
 * <p>No answer is lost: every email a change owes (the person's answer, an escalation, a routed rectification) is
 * written into the request item by the very write that makes the change ({@link DsarRequest#pendingNotices()}), then
 * queued, then removed. When the queue cannot be reached, the delivery fails and the next one (or an operator's
 * redrive from the DLQ) finds the notices still owed and queues them first. Their ids derive from the request, so the
 * notifier's send ledger sends each once however often it is queued; download links carry a token derived from a
 * secret ({@link DownloadLinks}), so a later queueing carries the same working link without the token being stored.
 */
public final class FulfilmentService {
    static final String ACTOR = "system";
    private static final Set<String> NOT_CHANGES = Set.of("message", "note");

    private final RequestStore store;
    private final List<Connector> connectors;
    private final Supplier<HoldIndex> holds;
    private final ExportStore exports;
    private final Outbox outbox;
    private final EmailPreferences preferences;
    private final Metrics metrics;
    private final String operatorEmail;
    private final String publicBaseUrl;
    private final int maxReceives;
    private final ZoneId zone;
    private final DownloadLinks links;
    private final Clock clock;

    public enum Result { COMPLETED, ROUTED, SKIPPED, RETRY, ESCALATED, BUSY, REQUEUED }

    /**
     * What one delivery did; {@code leaseUntil} is set for {@link Result#BUSY} and {@link Result#REQUEUED} (when the
     * other delivery's lease ends).
     */
    public record Outcome(Result result, Instant leaseUntil) {
        static Outcome of(Result result) {
            return new Outcome(result, null);
        }
    }

    /** Where the service reads and writes: requests, exports, the person's email preferences, the active holds. */
    public record Stores(RequestStore requests, ExportStore exports, EmailPreferences preferences,
                         Supplier<HoldIndex> holds) {}

    /**
     * @param operatorEmail where escalations and routed rectifications go
     * @param publicBaseUrl the suite's public address, for download links
     * @param maxReceives   the processing queue's maxReceiveCount: the last delivery escalates
     * @param zone          the legal time zone (download links' expiry date)
     * @param linkSecret    the secret download link tokens are derived from
     */
    public record Settings(String operatorEmail, String publicBaseUrl, int maxReceives, ZoneId zone, Secret linkSecret) {}

    public FulfilmentService(Stores stores, List<Connector> connectors, Outbox outbox, Metrics metrics,
                             Settings settings, Clock clock) {
        this.store = stores.requests();
        this.connectors = List.copyOf(connectors);
        this.holds = stores.holds();
        this.exports = stores.exports();
        this.outbox = outbox;
        this.preferences = stores.preferences();
        this.metrics = metrics;
        this.operatorEmail = settings.operatorEmail();
        this.publicBaseUrl = settings.publicBaseUrl();
        this.maxReceives = settings.maxReceives();
        this.zone = settings.zone();
        this.links = new DownloadLinks(settings.linkSecret());
        this.clock = clock;
    }

    /**
     * Processes one delivery under the request's lease, held by {@code leaseOwner} for at most {@code leaseFor}
     * (the invocation's remaining time, so a crashed holder's lease runs out) and given back at the end (once the
     * request is closed, beside its last write).
     */
    public Outcome process(ProcessingMessage message, int receiveCount, String leaseOwner, Duration leaseFor) {
        Instant now = clock.instant();
        Optional<Instant> taken = store.acquireLease(message.requestId(), leaseOwner, now.plus(leaseFor), now);
        if (taken.isPresent()) {
            if (receiveCount >= maxReceives) {
                // A fresh message starts the queue's count again; a request completed meanwhile is then skipped.
                Duration untilFree = Duration.between(now, taken.get());
                outbox.processLater(message, untilFree.isNegative() ? Duration.ZERO : untilFree);
                return new Outcome(Result.REQUEUED, taken.get());
            }
            return new Outcome(Result.BUSY, taken.get());
        }
        Lease lease = new Lease(message.requestId(), leaseOwner);
        try {
            return Outcome.of(processLeased(message, receiveCount, lease));
        } finally {
            lease.release();
        }
    }

    /**
     * The request's processing lease, given back once: at the end of the delivery, or beside the last write of a
     * request this delivery closed ({@link #complete}).
     */
    private final class Lease {
        private final String requestId;
        private final String owner;
        private boolean released;

        Lease(String requestId, String owner) {
            this.requestId = requestId;
            this.owner = owner;
        }

        void release() {
            if (!released) {
                released = true;
                store.releaseLease(requestId, owner);
            }
        }

        /**
         * Runs {@code last} while the lease is given back on its own thread; throws what either threw. Only once
         * the request is closed: a delivery that takes the lease meanwhile skips the request (it may queue the same
         * owed email again, which the notifier sends once, and remove it, as this one does).
         */
        <T> T releaseBeside(Supplier<T> last) {
            if (released) {
                return last.get();
            }
            released = true;
            Forked<Void> release = Forked.run(Thread.ofVirtual().name("fulfilment-release-" + requestId),
                    () -> store.releaseLease(requestId, owner));
            T result;
            try {
                result = last.get();
            } catch (RuntimeException | Error e) {
                try {
                    release.join();
                } catch (RuntimeException | Error other) {
                    e.addSuppressed(other);
                }
                throw e;
            }
            release.join();
            return result;
        }
    }

    private Result processLeased(ProcessingMessage message, int receiveCount, Lease lease) {
        // The legal holds are read beside the request (what a hold covers does not depend on the request).
        Forked<HoldIndex> holdsRead = Forked.start(Thread.ofVirtual().name("fulfilment-holds-" + message.requestId()),
                holds::get);
        try {
            return processLeased(message, receiveCount, lease, holdsRead);
        } finally {
            try {
                holdsRead.join(); // never left running; read already unless the request needed nothing
            } catch (RuntimeException ignored) {
                // a request that needed the holds failed on this above; one that needed nothing does not fail on it
            }
        }
    }

    private Result processLeased(ProcessingMessage message, int receiveCount, Lease lease,
                                 Forked<HoldIndex> holdsRead) {
        Instant now = clock.instant();
        Optional<DsarRequest> found = store.find(message.requestId(), now);
        if (found.isPresent() && !found.get().pendingNotices().isEmpty()) {
            // An earlier delivery made a change but could not queue the emails it owes: they go first.
            found = Optional.of(sendPending(found.get()));
        }
        // Escalated requests wait for an operator (requeue); a duplicate delivery must not run them again.
        if (found.isEmpty() || !found.get().status().isOpen() || found.get().status() == RequestStatus.NEEDS_ATTENTION) {
            return Result.SKIPPED;
        }
        DsarRequest request = found.get();
        if (request.type() == RequestType.RECTIFICATION && request.hasAudit("route_to_operator")) {
            return Result.SKIPPED;
        }
        // The start is recorded while the holds and the sources are read (nothing below needs its answer before it
        // writes): for an access or portability request, which changes no source, it runs beside the whole read.
        Started started = start(request, now);
        List<SourceOutcome> outcomes = new ArrayList<>();
        try {
            HoldIndex index = holdsRead.join();
            // An export's readable page is rendered as the sources are read: its language and zone are known now.
            ExportPackage.Page page = request.type() == RequestType.ACCESS || request.type() == RequestType.PORTABILITY
                    ? new ExportPackage.Page(request.locale(), zone) : null;
            Subject subject = new Subject(request.requestId(), request.email(), request.emailHash(), request.subjectIds(),
                    request.consentIds(), changes(request.details()),
                    Holds.of(index, request.emailHash(), request.consentIds(), request.subjectIds()), page);
            List<AuditEntry> entries = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            String status = started.status().wire();
            subject = withResolvedIds(subject, index, entries, failed, status, receiveCount, now);
            boolean changesSources = request.type() != RequestType.ACCESS && request.type() != RequestType.PORTABILITY;
            if (changesSources) {
                // Nothing is erased, changed or flagged before the request says it is in progress.
                request = started.request();
            }
            if (request.type() == RequestType.RESTRICTION || request.type() == RequestType.OBJECTION) {
                // The suite's own flag first: the notifier honours it from now on, whatever the other sources do.
                preferences.flag(request.emailHash(), request.type() == RequestType.OBJECTION
                        ? EmailPreferences.OBJECTION : EmailPreferences.RESTRICTED, request.requestId(), now);
            }
            if (failed.isEmpty()) {
                for (Connector connector : connectors) {
                    try {
                        SourceOutcome outcome = run(connector, request.type(), subject, now);
                        outcomes.add(outcome);
                        entries.add(new AuditEntry(now, ACTOR, "source_done", status, status, outcome.summary()));
                    } catch (RuntimeException e) {
                        failed.add(connector.source().id());
                        entries.add(failure(connector, e, status, receiveCount));
                    }
                }
            }
            request = started.request();
            if (!failed.isEmpty()) {
                if (receiveCount >= maxReceives) {
                    String why = "not complete: source(s) " + String.join(", ", failed) + " failed after " + receiveCount
                            + " deliveries; operators alerted";
                    Map<String, String> data = Map.of("failedSources", String.join(", ", failed),
                            "attempts", Integer.toString(receiveCount));
                    DsarRequest escalated = save(request, r -> {
                        if (!r.status().isOpen()) {
                            return r.withAudit(entries);
                        }
                        DsarRequest next = r.withAudit(entries).transition(RequestStatus.NEEDS_ATTENTION, now, ACTOR,
                                "escalate", why);
                        return next.withPendingNotice(operatorNotice(next, EmailTemplate.OPERATOR_ESCALATION, data));
                    });
                    if (escalated.status() != RequestStatus.NEEDS_ATTENTION) {
                        return Result.SKIPPED; // an operator closed it meanwhile
                    }
                    sendPending(escalated);
                    return Result.ESCALATED;
                }
                save(request, r -> r.withAudit(entries));
                return Result.RETRY;
            }
            Searched searched = new Searched(request.subjectIds().size(),
                    subject.subjectIds().size() - request.subjectIds().size(), request.ignoredIdentifiers());
            return switch (request.type()) {
                case ACCESS, PORTABILITY -> export(request, entries, outcomes, searched, now, lease);
                case ERASURE -> erasure(request, entries, outcomes, searched, now, lease);
                case RECTIFICATION -> rectification(request, entries, subject, outcomes, searched, now, lease);
                case RESTRICTION, OBJECTION -> complete(request, entries, RequestOutcome.flagged(), now, lease,
                        EmailTemplate.REQUEST_COMPLETED, searched.data(Map.of(
                        "note", request.type() == RequestType.OBJECTION
                                ? "You will receive no direct marketing from us any more; your objection is recorded."
                                : "Your data is now restricted: we only store it and will not otherwise use it.")),
                        request.type().wire() + " recorded in " + outcomes.size() + " source(s)", UnaryOperator.identity());
            };
        } finally {
            started.await(); // never left running past this delivery, whatever happened meanwhile
            outcomes.forEach(SourceOutcome::release); // spooled records' temp files
        }
    }

    /**
     * The write that moves a verified request to {@code in_progress}, started on its own (virtual) thread; a request
     * already in progress needs none. {@link Started#request()} waits for it and throws what it threw.
     */
    private Started start(DsarRequest request, Instant now) {
        if (request.status() != RequestStatus.VERIFIED) {
            return new Started(request.status(), null, request);
        }
        int sources = connectors.size();
        Forked<DsarRequest> write = Forked.start(Thread.ofVirtual().name("fulfilment-start-" + request.requestId()),
                () -> save(request, r -> r.status() == RequestStatus.VERIFIED
                        ? r.transition(RequestStatus.IN_PROGRESS, now, ACTOR, "start_fulfilment", sources + " data source(s)")
                        : r));
        return new Started(RequestStatus.IN_PROGRESS, write, null);
    }

    /**
     * The request as its start left it: {@code status} is what the start makes it (for the audit entries). Waiting
     * for the write is never cut short by an interrupt ({@link Forked#join}): it has landed or failed when the
     * delivery goes on, and it never runs past the delivery's end (nor past its lease).
     */
    private record Started(RequestStatus status, Forked<DsarRequest> write, DsarRequest done) {
        DsarRequest request() {
            return write == null ? done : write.join();
        }

        /** Waits for the write to end, whatever its result (the delivery's outcome was decided elsewhere). */
        void await() {
            if (write == null) {
                return;
            }
            try {
                write.join();
            } catch (RuntimeException ignored) {
                // thrown by request() where it matters; a delivery that failed already reports its own failure
            }
        }
    }

    /**
     * What the data map derives from the verified address: subject ids that sources found by the address resolve
     * (e.g. account ids), added to those the company's app signed. Resolved before anything changes, so erasing the
     * resolving source cannot hide the ids from the sources after it.
     */
    private Subject withResolvedIds(Subject subject, HoldIndex index, List<AuditEntry> entries, List<String> failed,
                                    String status, int receiveCount, Instant now) {
        Set<String> ids = new LinkedHashSet<>(subject.subjectIds());
        int resolved = 0;
        for (Connector connector : connectors) {
            if (connector.source().resolvesSubjectIds() == null) {
                continue;
            }
            try {
                for (String id : connector.resolveSubjectIds(subject, now)) {
                    resolved += ids.add(id) ? 1 : 0;
                }
            } catch (RuntimeException e) {
                failed.add(connector.source().id());
                entries.add(failure(connector, e, status, receiveCount));
            }
        }
        if (resolved > 0) {
            entries.add(new AuditEntry(now, ACTOR, "resolve_identifiers", status, status,
                    resolved + " subject id(s) resolved from the verified address"));
        }
        List<String> all = List.copyOf(ids);
        return subject.withSubjectIds(all, Holds.of(index, subject.emailHash(), subject.consentIds(), all));
    }

    private AuditEntry failure(Connector connector, RuntimeException e, String status, int receiveCount) {
        String why = e instanceof Connector.SourceFailedException ? e.getMessage()
                : connector.source().id() + ": " + e.getClass().getSimpleName();
        return new AuditEntry(clock.instant(), ACTOR, "source_failed", status, status,
                why + " (delivery " + receiveCount + " of " + maxReceives + ")");
    }

    private SourceOutcome run(Connector connector, RequestType type, Subject subject, Instant now) {
        return switch (type) {
            case ACCESS, PORTABILITY -> connector.collect(subject, now);
            case ERASURE -> connector.erase(subject, now);
            case RECTIFICATION -> connector.rectify(subject, now);
            case RESTRICTION -> connector.flag(subject, "restrict", now);
            case OBJECTION -> connector.flag(subject, "object", now);
        };
    }

    /** What was searched, for the person's email: ids signed by the app, ids resolved, identifiers ignored (names). */
    record Searched(int asserted, int resolved, List<String> ignored) {
        Map<String, String> data(Map<String, String> extra) {
            Map<String, String> data = new LinkedHashMap<>(extra);
            data.put("searchedAsserted", Integer.toString(asserted));
            data.put("searchedResolved", Integer.toString(resolved));
            if (!ignored.isEmpty()) {
                data.put("ignoredIdentifiers", String.join(", ", ignored));
            }
            return data;
        }
    }

    private Result export(DsarRequest request, List<AuditEntry> entries, List<SourceOutcome> outcomes, Searched searched,
                          Instant now, Lease lease) {
        ExportPackage pkg = ExportPackage.of(request.requestId(), request.type().wire(), request.email(), now, outcomes);
        if (pkg.recordCount() == 0) {
            return noData(request, entries, searched, now, lease);
        }
        // Streamed into the store as they are serialized (S3: multipart upload, both files at once), never built as
        // whole strings.
        Map<String, DataMap.Context> contexts = new LinkedHashMap<>();
        connectors.forEach(c -> contexts.put(c.source().id(), c.source().context()));
        exports.writeAll(request.requestId(), List.of(
                new ExportStore.File(ExportFiles.JSON, "application/json", pkg::writeJson),
                new ExportStore.File(ExportFiles.HTML, "text/html; charset=utf-8",
                        out -> pkg.writeHtml(out, request.locale(), zone, contexts))));
        // The links point at the suite, which presigns at each click: they last as long as the files. Their token is
        // added when the email is queued (sendPending): the owed email stored with the request holds no token.
        Instant expiresAt = now.plus(exports.linkLifetime());
        String token = links.issue(request.requestId(), expiresAt);
        LocalDate expiresOn = LocalDate.ofInstant(expiresAt, zone);
        Map<String, String> data = new LinkedHashMap<>();
        data.put("expiresOn", expiresOn.toString());
        data.put("recordCount", Integer.toString(pkg.recordCount()));
        return complete(request, entries, RequestOutcome.export(pkg.recordCount()), now, lease, EmailTemplate.EXPORT_READY, searched.data(data), "export of " + pkg.recordCount()
                        + " record(s) from " + outcomes.stream().filter(o -> !o.records().isEmpty()).count()
                        + " source(s) sent; links expire " + expiresOn,
                r -> r.toBuilder().downloadTokenHash(Tokens.sha256Hex(token)).downloadExpiresAt(expiresAt).build());
    }

    private Result erasure(DsarRequest request, List<AuditEntry> entries, List<SourceOutcome> outcomes,
                           Searched searched, Instant now, Lease lease) {
        if (outcomes.stream().mapToInt(SourceOutcome::found).sum() == 0) {
            return noData(request, entries, searched, now, lease);
        }
        List<SourceOutcome.Kept> kept = outcomes.stream().flatMap(o -> o.kept().stream()).toList();
        int erased = outcomes.stream().mapToInt(o -> o.deleted() + o.anonymized()).sum();
        Map<String, String> data = new LinkedHashMap<>();
        data.put("erasedCount", Integer.toString(erased));
        if (!kept.isEmpty()) {
            data.put("keptList", kept.stream().map(k -> "- " + k.category() + " (" + k.count() + "): " + k.legalBasis()
                    + (k.until() == null ? "" : "; deleted on " + k.until())
                    + (k.restricted() ? "; restricted: kept only for this purpose" : ""))
                    .collect(Collectors.joining("\n")));
        }
        RequestOutcome outcome = RequestOutcome.erasure(erased, kept.stream().map(k -> new RequestOutcome.Kept(
                k.category(), k.count(), k.legalBasis(), k.until() == null ? null : k.until().toString())).toList());
        return complete(request, entries, outcome, now, lease, EmailTemplate.ERASURE_DONE, searched.data(data), "erased " + erased
                + " record(s), kept " + kept.stream().mapToInt(SourceOutcome.Kept::count).sum()
                + " under a legal obligation or hold", UnaryOperator.identity());
    }

    private Result rectification(DsarRequest request, List<AuditEntry> entries, Subject subject,
                                 List<SourceOutcome> outcomes, Searched searched, Instant now, Lease lease) {
        Set<String> applied = new LinkedHashSet<>();
        for (SourceOutcome o : outcomes) {
            if (o.updated() > 0) {
                subject.changes().keySet().stream().filter(f -> !o.notApplied().contains(f)).forEach(applied::add);
            }
        }
        Set<String> routed = new LinkedHashSet<>(subject.changes().keySet());
        routed.removeAll(applied);
        if (routed.isEmpty() && !applied.isEmpty()) {
            return complete(request, entries, RequestOutcome.rectification(List.copyOf(applied)), now, lease,
                    EmailTemplate.REQUEST_COMPLETED,
                    searched.data(Map.of("note", "Corrected: " + String.join(", ", applied) + ".")),
                    "applied: " + String.join(", ", applied), UnaryOperator.identity());
        }
        String fields = routed.isEmpty() ? "(no changes given)" : String.join(", ", routed);
        String changes = subject.changes().isEmpty() ? request.details().getOrDefault("message", "(none given)")
                : subject.changes().entrySet().stream().filter(e -> routed.contains(e.getKey()))
                .map(e -> "- " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"));
        Map<String, String> operatorData = Map.of("changes", changes,
                "applied", applied.isEmpty() ? "none" : String.join(", ", applied));
        DsarRequest saved = save(request, r -> {
            DsarRequest next = r.withAudit(entries).transition(RequestStatus.IN_PROGRESS, now, ACTOR,
                    "route_to_operator", "fields no source could change: " + fields);
            return next.withPendingNotice(operatorNotice(next, EmailTemplate.OPERATOR_RECTIFICATION, operatorData))
                    .withPendingNotice(personNotice(next, EmailTemplate.RECTIFICATION_ROUTED, searched.data(Map.of())));
        });
        sendPending(saved);
        return Result.ROUTED;
    }

    private Result noData(DsarRequest request, List<AuditEntry> entries, Searched searched, Instant now, Lease lease) {
        return complete(request, entries, RequestOutcome.noData(), now, lease, EmailTemplate.REQUEST_NO_DATA, searched.data(Map.of()),
                "no data about the person in any source", UnaryOperator.identity());
    }

    private Result complete(DsarRequest request, List<AuditEntry> entries, RequestOutcome outcome, Instant now,
                            Lease lease, EmailTemplate template, Map<String, String> data, String why,
                            UnaryOperator<DsarRequest> extra) {
        // Counts and the data map's reasons, for the person's status page (in their language).
        entries.add(outcome.audit(now, ACTOR, request.status().wire()));
        boolean[] closedHere = {false};
        Notification answer = personNotice(request, template, data);
        DsarRequest saved = save(request, r -> {
            if (completedHere(r, now)) {
                // Our own completing write, applied although its answer was lost: done, and the person still gets
                // the answer below (the notifier sends one notification id once).
                closedHere[0] = true;
                return r;
            }
            closedHere[0] = !r.status().isClosed();
            return closedHere[0] ? extra.apply(r.withAudit(entries)).transition(RequestStatus.COMPLETED, now, ACTOR,
                    "complete", why).withPendingNotice(answer) : r.withAudit(entries);
        });
        if (!closedHere[0]) {
            // An operator closed it while the sources ran: what they did is recorded, the operator's answer stands.
            return Result.SKIPPED;
        }
        if (saved.closedLate()) {
            metrics.count(Metrics.Name.RequestsClosedLate);
        }
        // Closed: the lease has nothing left to guard, and is given back beside the owed email's removal.
        sendPending(saved, lease);
        return Result.COMPLETED;
    }

    private DsarRequest sendPending(DsarRequest request) {
        return sendPending(request, null);
    }

    /**
     * Queues the emails the request owes, then records them as queued. A failure to queue propagates (the delivery is
     * retried, and the notices are still owed); queueing one twice is harmless (the notifier sends an id once). With
     * {@code lease} (a request closed by this delivery), the lease is given back while they are recorded as queued:
     * only once they are queued, so a later delivery finds them either queued or still owed, never lost.
     */
    private DsarRequest sendPending(DsarRequest request, Lease lease) {
        DsarRequest current = request;
        List<String> queued = new ArrayList<>();
        for (Notification notice : request.pendingNotices()) {
            if (EmailTemplate.EXPORT_READY.wire().equals(notice.template())) {
                current = withLinkToken(current, token -> outbox.notify(withLinks(notice, request.requestId(), token)));
            } else {
                outbox.notify(notice);
            }
            queued.add(notice.id());
        }
        if (queued.isEmpty()) {
            return current;
        }
        DsarRequest sent = current;
        return lease == null ? save(sent, r -> r.withoutPendingNotices(queued))
                : lease.releaseBeside(() -> save(sent, r -> r.withoutPendingNotices(queued)));
    }

    /**
     * Hands {@code send} the download token whose hash the request holds, re-derived; if the secret was rotated twice
     * since it was issued, a fresh token from the current secret is stored first (the old one is then unknown to all).
     */
    private DsarRequest withLinkToken(DsarRequest request, java.util.function.Consumer<String> send) {
        Optional<String> token = links.reissue(request.requestId(), request.downloadExpiresAt(),
                request.downloadTokenHash());
        if (token.isPresent()) {
            send.accept(token.get());
            return request;
        }
        String fresh = links.issue(request.requestId(), request.downloadExpiresAt());
        DsarRequest saved = save(request, r -> r.toBuilder().downloadTokenHash(Tokens.sha256Hex(fresh)).build());
        send.accept(fresh);
        return saved;
    }

    private Notification withLinks(Notification notice, String requestId, String token) {
        Map<String, String> data = new LinkedHashMap<>(notice.data());
        data.put("jsonUrl", ExportFiles.downloadUrl(publicBaseUrl, requestId, ExportFiles.JSON, token));
        data.put("htmlUrl", ExportFiles.downloadUrl(publicBaseUrl, requestId, ExportFiles.HTML, token));
        return new Notification(notice.id(), notice.kind(), notice.template(), notice.locale(), notice.to(),
                notice.topic(), data, notice.ref(), notice.campaign());
    }

    /** Whether this very delivery's completing write (same instant, this processor) is already in the request. */
    private static boolean completedHere(DsarRequest r, Instant now) {
        return r.status() == RequestStatus.COMPLETED && r.audit().stream().anyMatch(e -> e.action().equals("complete")
                && e.actor().equals(ACTOR) && now.equals(e.at()));
    }

    /**
     * Writes {@code change} applied to the request; when the item changed meanwhile (a concurrent writer other than
     * the processor, which holds the lease), re-reads it and applies the same change to the fresh copy.
     */
    private DsarRequest save(DsarRequest request, UnaryOperator<DsarRequest> change) {
        DsarRequest current = request;
        for (int attempt = 1; ; attempt++) {
            try {
                return store.update(change.apply(current), clock.instant());
            } catch (RequestStore.ConcurrentChangeException e) {
                if (attempt == 5) {
                    throw e;
                }
                current = store.find(request.requestId(), clock.instant()).orElseThrow(() -> e);
            }
        }
    }

    private Notification personNotice(DsarRequest r, EmailTemplate template, Map<String, String> extra) {
        Map<String, String> data = new LinkedHashMap<>(extra);
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        // One id per request and answer: a repeated queueing of the same answer is sent once by the notifier.
        return Notification.transactional(template.wire() + "-" + r.requestId(), template, r.locale(), r.email(), data,
                r.requestId());
    }

    /** {@code r} as it will be stored by the write being prepared (its id names the version that write makes). */
    private Notification operatorNotice(DsarRequest r, EmailTemplate template, Map<String, String> extra) {
        Map<String, String> data = new LinkedHashMap<>(extra);
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        data.put("siteId", r.siteId());
        data.put("status", r.status().wire());
        data.put("dueOn", r.deadline().dueOn().toString());
        return Notification.transactional(template.wire() + "-" + r.requestId() + "-v" + (r.version() + 1), template, "en",
                operatorEmail, data, r.requestId());
    }

    static Map<String, String> changes(Map<String, String> details) {
        Map<String, String> out = new LinkedHashMap<>(details);
        out.keySet().removeAll(NOT_CHANGES);
        return out;
    }
}
