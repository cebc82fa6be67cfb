package io.privacysuite.fulfilment;

import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.Notification;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.RequestType;
import java.time.Clock;
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
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Carries out one verified request across every source of the data map. Each source's outcome (counts, what was
 * kept and why, failures) is appended to the request's audit trail. A request is completed only when every source
 * answered; otherwise the attempt is recorded and the message retried, and on the queue's last delivery the request
 * becomes {@code needs_attention} and operators are emailed (the message then moves to the DLQ).
 *
 * <p>Idempotent: a closed request is skipped; a rectification already routed to operators is not routed again; the
 * export files are overwritten under the same keys; connectors' operations can run twice. The person's email is
 * queued after the completing write, so a redelivery never sends it twice (a lost send is re-sent by an operator
 * with {@code resendNotice}).
 */
public final class FulfilmentService {
    static final String ACTOR = "system";
    private static final Set<String> NOT_CHANGES = Set.of("subjectId", "message", "note");

    private final RequestStore store;
    private final List<Connector> connectors;
    private final ExportStore exports;
    private final Outbox outbox;
    private final EmailPreferences preferences;
    private final String operatorEmail;
    private final int maxReceives;
    private final ZoneId zone;
    private final Clock clock;

    public enum Result { COMPLETED, ROUTED, SKIPPED, RETRY, ESCALATED }

    public FulfilmentService(RequestStore store, List<Connector> connectors, ExportStore exports, Outbox outbox,
                             EmailPreferences preferences, String operatorEmail, int maxReceives, ZoneId zone,
                             Clock clock) {
        this.store = store;
        this.connectors = List.copyOf(connectors);
        this.exports = exports;
        this.outbox = outbox;
        this.preferences = preferences;
        this.operatorEmail = operatorEmail;
        this.maxReceives = maxReceives;
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * Processes one delivery. A concurrent change of the request (e.g. intake still recording the dispatch, an
     * operator action) is met by reloading and deciding again, a few times, before the delivery fails.
     */
    public Result process(ProcessingMessage message, int receiveCount) {
        for (int attempt = 1; ; attempt++) {
            try {
                return processOnce(message, receiveCount);
            } catch (RequestStore.ConcurrentChangeException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private Result processOnce(ProcessingMessage message, int receiveCount) {
        Instant now = clock.instant();
        Optional<DsarRequest> found = store.find(message.requestId(), now);
        if (found.isEmpty() || !found.get().status().isOpen()) {
            return Result.SKIPPED;
        }
        DsarRequest request = found.get();
        if (request.type() == RequestType.RECTIFICATION && request.hasAudit("route_to_operator")) {
            return Result.SKIPPED;
        }
        if (request.status() == RequestStatus.VERIFIED) {
            request = store.update(request.transition(RequestStatus.IN_PROGRESS, now, ACTOR, "start_fulfilment",
                    connectors.size() + " data source(s)"), now);
        }
        Subject subject = new Subject(request.requestId(), request.email(), request.emailHash(),
                request.details().get("subjectId"), request.consentIds(), changes(request.details()));

        if (request.type() == RequestType.RESTRICTION || request.type() == RequestType.OBJECTION) {
            // The suite's own flag first: the notifier honours it from now on, whatever the other sources do.
            preferences.flag(request.emailHash(), request.type() == RequestType.OBJECTION
                    ? EmailPreferences.OBJECTION : EmailPreferences.RESTRICTED, request.requestId(), now);
        }
        List<SourceOutcome> outcomes = new ArrayList<>();
        List<AuditEntry> entries = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        String status = request.status().wire();
        for (Connector connector : connectors) {
            try {
                SourceOutcome outcome = run(connector, request.type(), subject, now);
                outcomes.add(outcome);
                entries.add(new AuditEntry(now, ACTOR, "source_done", status, status, outcome.summary()));
            } catch (RuntimeException e) {
                String why = e instanceof Connector.SourceFailedException ? e.getMessage()
                        : connector.source().id() + ": " + e.getClass().getSimpleName();
                failed.add(connector.source().id());
                entries.add(new AuditEntry(now, ACTOR, "source_failed", status, status,
                        why + " (delivery " + receiveCount + " of " + maxReceives + ")"));
            }
        }
        if (!failed.isEmpty()) {
            request = request.withAudit(entries);
            if (receiveCount >= maxReceives) {
                DsarRequest escalated = store.update(request.transition(RequestStatus.NEEDS_ATTENTION, now, ACTOR,
                        "escalate", "not complete: source(s) " + String.join(", ", failed) + " failed after "
                                + receiveCount + " deliveries; operators alerted"), now);
                outbox.notify(operatorNotice(escalated, "operator_escalation", Map.of("failedSources",
                        String.join(", ", failed), "attempts", Integer.toString(receiveCount))));
                return Result.ESCALATED;
            }
            store.update(request, now);
            return Result.RETRY;
        }
        request = request.withAudit(entries);
        return switch (request.type()) {
            case ACCESS, PORTABILITY -> export(request, outcomes, now);
            case ERASURE -> erasure(request, outcomes, now);
            case RECTIFICATION -> rectification(request, subject, outcomes, now);
            case RESTRICTION, OBJECTION -> complete(request, outcomes, now, "request_completed", Map.of("note",
                    request.type() == RequestType.OBJECTION
                            ? "You will receive no direct marketing from us any more; your objection is recorded."
                            : "Your data is now restricted: we only store it and will not otherwise use it."),
                    request.type().wire() + " recorded in " + outcomes.size() + " source(s)");
        };
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

    private Result export(DsarRequest request, List<SourceOutcome> outcomes, Instant now) {
        ExportPackage pkg = ExportPackage.of(request.requestId(), request.type().wire(), request.email(), now, outcomes);
        if (pkg.recordCount() == 0) {
            return noData(request, now);
        }
        String jsonUrl = exports.put(request.requestId(), "export.json", "application/json", pkg.json());
        String htmlUrl = exports.put(request.requestId(), "export.html", "text/html; charset=utf-8", pkg.html());
        LocalDate expiresOn = LocalDate.ofInstant(now.plus(exports.linkLifetime()), zone);
        Map<String, String> data = new LinkedHashMap<>();
        data.put("jsonUrl", jsonUrl);
        data.put("htmlUrl", htmlUrl);
        data.put("expiresOn", expiresOn.toString());
        data.put("recordCount", Integer.toString(pkg.recordCount()));
        return complete(request, outcomes, now, "export_ready", data, "export of " + pkg.recordCount()
                + " record(s) from " + outcomes.stream().filter(o -> !o.records().isEmpty()).count()
                + " source(s) sent; links expire " + expiresOn);
    }

    private Result erasure(DsarRequest request, List<SourceOutcome> outcomes, Instant now) {
        if (outcomes.stream().mapToInt(SourceOutcome::found).sum() == 0) {
            return noData(request, now);
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
        return complete(request, outcomes, now, "erasure_done", data, "erased " + erased + " record(s), kept "
                + kept.stream().mapToInt(SourceOutcome.Kept::count).sum() + " under a legal obligation");
    }

    private Result rectification(DsarRequest request, Subject subject, List<SourceOutcome> outcomes, Instant now) {
        Set<String> applied = new LinkedHashSet<>();
        for (SourceOutcome o : outcomes) {
            if (o.updated() > 0) {
                subject.changes().keySet().stream().filter(f -> !o.notApplied().contains(f)).forEach(applied::add);
            }
        }
        Set<String> routed = new LinkedHashSet<>(subject.changes().keySet());
        routed.removeAll(applied);
        if (routed.isEmpty() && !applied.isEmpty()) {
            return complete(request, outcomes, now, "request_completed",
                    Map.of("note", "Corrected: " + String.join(", ", applied) + "."), "applied: " + String.join(", ", applied));
        }
        String fields = routed.isEmpty() ? "(no changes given)" : String.join(", ", routed);
        DsarRequest saved = store.update(request.transition(RequestStatus.IN_PROGRESS, now, ACTOR, "route_to_operator",
                "fields no source could change: " + fields), now);
        String changes = subject.changes().isEmpty() ? request.details().getOrDefault("message", "(none given)")
                : subject.changes().entrySet().stream().filter(e -> routed.contains(e.getKey()))
                .map(e -> "- " + e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"));
        outbox.notify(operatorNotice(saved, "operator_rectification", Map.of("changes", changes,
                "applied", applied.isEmpty() ? "none" : String.join(", ", applied))));
        outbox.notify(personNotice(saved, "rectification_routed", Map.of()));
        return Result.ROUTED;
    }

    private Result noData(DsarRequest request, Instant now) {
        return complete(request, List.of(), now, "request_no_data", Map.of(), "no data about the person in any source");
    }

    private Result complete(DsarRequest request, List<SourceOutcome> outcomes, Instant now, String template,
                            Map<String, String> data, String why) {
        DsarRequest saved = store.update(request.transition(RequestStatus.COMPLETED, now, ACTOR, "complete", why), now);
        outbox.notify(personNotice(saved, template, data));
        return Result.COMPLETED;
    }

    private Notification personNotice(DsarRequest r, String template, Map<String, String> extra) {
        Map<String, String> data = new LinkedHashMap<>(extra);
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        return new Notification(UUID.randomUUID().toString(), Notification.TRANSACTIONAL, template, r.locale(),
                r.email(), null, data, r.requestId());
    }

    private Notification operatorNotice(DsarRequest r, String template, Map<String, String> extra) {
        Map<String, String> data = new LinkedHashMap<>(extra);
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        data.put("siteId", r.siteId());
        data.put("status", r.status().wire());
        data.put("dueOn", r.deadline().dueOn().toString());
        return new Notification(UUID.randomUUID().toString(), Notification.TRANSACTIONAL, template, "en",
                operatorEmail, null, data, r.requestId());
    }

    static Map<String, String> changes(Map<String, String> details) {
        Map<String, String> out = new LinkedHashMap<>(details);
        out.keySet().removeAll(NOT_CHANGES);
        return out;
    }
}
