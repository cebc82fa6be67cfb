package io.privacysuite.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.errors.DomainException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The breach register's operations: open an incident with the content Art. 33(3) asks for, amend it, draft the
 * authority's notification from it, and record that notification (late only with reasons, Art. 33(1)). Every change
 * is one audit entry: who, when, what.
 */
public final class IncidentService {
    private final IncidentStore store;
    private final Clock clock;

    public IncidentService(IncidentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Incident open(JsonNode input) {
        Instant now = clock.instant();
        IncidentInput in = new IncidentInput(input);
        String operator = in.text("operator", 100, true);
        Incident.Details details = details(in, null, now);
        in.errors().throwIfAny();
        Incident incident = new Incident(UUID.randomUUID().toString(), 1, now, operator, details, null, List.of());
        if (!store.create(incident, new Incident.Change(now, operator, "opened", details.asMap()))) {
            throw DomainException.conflict("concurrent_change", "An incident with this id exists; open it again.");
        }
        return incident;
    }

    /** Changes the fields given (any of the details); the audit entry names each changed field and its new value. */
    public Incident amend(JsonNode input) {
        Instant now = clock.instant();
        Incident incident = existing(input);
        IncidentInput in = new IncidentInput(input);
        String operator = in.text("operator", 100, true);
        Incident.Details changed = details(in, incident.details(), now);
        in.errors().throwIfAny();
        Map<String, String> what = new LinkedHashMap<>();
        Map<String, String> before = incident.details().asMap();
        changed.asMap().forEach((field, value) -> {
            if (!value.equals(before.get(field))) {
                what.put(field, value);
            }
        });
        if (what.isEmpty()) {
            throw DomainException.badRequest("Nothing to change: give at least one field with a new value.");
        }
        Incident saved = incident.withDetails(changed);
        if (!store.update(saved, new Incident.Change(now, operator, "amended", what))) {
            throw DomainException.conflict("concurrent_change", "The incident changed meanwhile; read it and try again.");
        }
        return saved;
    }

    /**
     * Records that the supervisory authority was notified: when ({@code notifiedAt}, default now), its reference, who
     * records it. After 72 hours from awareness the reasons for the delay are required (Art. 33(1)).
     */
    public Incident recordAuthorityNotification(JsonNode input) {
        Instant now = clock.instant();
        Incident incident = existing(input);
        IncidentInput in = new IncidentInput(input);
        String operator = in.text("operator", 100, true);
        String reference = in.text("reference", IncidentInput.MAX_SHORT, true);
        Instant notifiedAt = in.has("notifiedAt") ? in.instant("notifiedAt", true, now) : now;
        String lateReasons = in.text("lateReasons", IncidentInput.MAX_TEXT, false);
        if (notifiedAt != null && notifiedAt.isBefore(incident.details().awareAt())) {
            in.errors().add("notifiedAt", "cannot be before the company became aware (awareAt)");
        }
        boolean late = notifiedAt != null && notifiedAt.isAfter(incident.authorityDeadline());
        if (late && lateReasons == null) {
            in.errors().add("lateReasons", "required: the authority is notified more than 72 hours after awareness, "
                    + "so the reasons for the delay must accompany it (GDPR Art. 33(1))");
        }
        in.errors().throwIfAny();
        if (incident.authorityNotified()) {
            throw DomainException.conflict("already_notified", "The authority's notification is recorded already ("
                    + incident.authorityNotification().reference() + "); amend the incident for later information.");
        }
        Incident.AuthorityNotification notification = new Incident.AuthorityNotification(notifiedAt, operator, now,
                reference, late ? lateReasons : null);
        Incident saved = incident.withAuthorityNotification(notification);
        Map<String, String> what = new LinkedHashMap<>();
        what.put("notifiedAt", notifiedAt.toString());
        what.put("reference", reference);
        what.put("late", Boolean.toString(late));
        if (late) {
            what.put("lateReasons", lateReasons);
        }
        if (!store.update(saved, new Incident.Change(now, operator, "authority_notified", what))) {
            throw DomainException.conflict("concurrent_change", "The incident changed meanwhile; read it and try again.");
        }
        return saved;
    }

    /** The authority's notification drafted from the incident: a plain-text document to send or paste into a form. */
    public AuthorityDraft draft(JsonNode input) {
        return AuthorityDraft.of(existing(input), clock.instant());
    }

    public Incident get(JsonNode input) {
        return existing(input);
    }

    public List<Incident.Change> trail(String incidentId) {
        return store.trail(incidentId);
    }

    public List<Incident> register() {
        return store.all();
    }

    /** How the 72-hour clock stands for an incident. */
    public Map<String, Object> clockOf(Incident incident) {
        Instant now = clock.instant();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("awareAt", incident.details().awareAt().toString());
        out.put("authorityDeadline", incident.authorityDeadline().toString());
        out.put("hoursSinceAwareness", Duration.between(incident.details().awareAt(), now).toHours());
        out.put("overdue", incident.isOverdue(now));
        out.put("authorityNotified", incident.authorityNotified());
        if (incident.authorityNotified()) {
            out.put("notifiedLate", incident.authorityNotification().late(incident.details().awareAt()));
        }
        return out;
    }

    private Incident existing(JsonNode input) {
        return existing(store, input);
    }

    /** The incident {@code input.incidentId} names; 404 for a malformed or unknown id. */
    static Incident existing(IncidentStore store, JsonNode input) {
        String id = input.path("incidentId").asText("");
        if (!io.privacysuite.core.Ids.isUuid(id)) {
            throw DomainException.notFound("incident");
        }
        return store.find(id).orElseThrow(() -> DomainException.notFound("incident"));
    }

    /** The details from {@code in}; fields absent keep {@code current}'s values (all are required when opening). */
    private static Incident.Details details(IncidentInput in, Incident.Details current, Instant now) {
        boolean opening = current == null;
        Instant awareAt = in.instant("awareAt", opening, now);
        String title = in.text("title", IncidentInput.MAX_SHORT, opening);
        String nature = in.text("nature", IncidentInput.MAX_TEXT, opening);
        List<String> dataCategories = in.list("dataCategories", opening);
        List<String> subjectCategories = in.list("subjectCategories", opening);
        Long subjects = in.count("approxSubjects", opening);
        Long records = in.count("approxRecords", opening);
        String consequences = in.text("consequences", IncidentInput.MAX_TEXT, opening);
        String measures = in.text("measures", IncidentInput.MAX_TEXT, opening);
        String contact = in.text("contact", IncidentInput.MAX_SHORT * 2, opening);
        Boolean highRisk = in.flag("highRisk");
        if (opening) {
            if (awareAt == null || title == null || nature == null || dataCategories == null
                    || subjectCategories == null || subjects == null || records == null || consequences == null
                    || measures == null || contact == null) {
                return null;
            }
            return new Incident.Details(awareAt, title, nature, dataCategories, subjectCategories, subjects, records,
                    consequences, measures, contact, highRisk != null && highRisk);
        }
        return new Incident.Details(or(awareAt, current.awareAt()), or(title, current.title()),
                or(nature, current.nature()), or(dataCategories, current.dataCategories()),
                or(subjectCategories, current.subjectCategories()), or(subjects, current.approxSubjects()),
                or(records, current.approxRecords()), or(consequences, current.consequences()),
                or(measures, current.measures()), or(contact, current.contact()), or(highRisk, current.highRisk()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
