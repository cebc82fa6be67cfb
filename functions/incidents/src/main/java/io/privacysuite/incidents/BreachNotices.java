package io.privacysuite.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.NoticeCampaign;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tells the people affected by a breach (GDPR Art. 34(2)): starts the fan-out of the incident's notice to an audience
 * (a CSV operators uploaded to the exports bucket under {@code audiences/}, addresses given inline, or customer
 * accounts' contact addresses: all accounts or a list of ids) and reports its
 * progress. The notice carries the incident's nature, data categories, likely consequences, measures and contact,
 * plus what the person can do. Every person gets one copy per incident, however often it is started again.
 */
public final class BreachNotices {
    private final IncidentStore store;
    private final AudienceReader audiences;
    private final NoticeFanOut.PageQueue pages;
    private final EmailPreferences progress;
    private final Clock clock;
    private final java.security.SecureRandom random = new java.security.SecureRandom();

    public BreachNotices(IncidentStore store, AudienceReader audiences, NoticeFanOut.PageQueue pages,
                         EmailPreferences progress, Clock clock) {
        this.store = store;
        this.audiences = audiences;
        this.pages = pages;
        this.progress = progress;
        this.clock = clock;
    }

    public static String campaignOf(String incidentId) {
        return "breach-" + incidentId;
    }

    public Map<String, Object> start(JsonNode input) {
        Instant now = clock.instant();
        Incident incident = existing(input);
        IncidentInput in = new IncidentInput(input);
        String operator = in.text("operator", 100, true);
        String whatYouCanDo = in.text("whatYouCanDo", IncidentInput.MAX_TEXT, true);
        String defaultLocale = input.has("defaultLocale") ? in.text("defaultLocale", 2, true) : "en";
        if (defaultLocale != null && !NoticeFanOut.LOCALES.contains(defaultLocale)) {
            in.errors().add("defaultLocale", "one of en, fr, nl, de");
        }
        NoticeCampaign.Audience audience = NoticeCampaign.Audience.parse(input.path("audience"), in.errors());
        in.errors().throwIfAny();
        if (!audiences.exists(audience)) {
            throw DomainException.invalid(Map.of("audience", "no such CSV in the exports bucket"));
        }
        Incident.Details d = incident.details();
        Map<String, String> data = new LinkedHashMap<>();
        data.put("nature", d.nature());
        data.put("dataCategories", String.join(", ", d.dataCategories()));
        data.put("consequences", d.consequences());
        data.put("measures", d.measures());
        data.put("contact", d.contact());
        data.put("whatYouCanDo", whatYouCanDo);
        data.put("incidentRef", incident.incidentId());
        String campaign = campaignOf(incident.incidentId());
        String run = HexFormat.of().formatHex(bytes(6));
        Map<String, String> what = new LinkedHashMap<>();
        what.put("campaign", campaign);
        what.put("run", run);
        what.put("audience", audience.describe());
        what.put("whatYouCanDo", whatYouCanDo);
        // Recorded first: a notice that went out is always in the trail (a failed queueing is started again).
        if (!store.update(incident.recorded(), new Incident.Change(now, operator,
                "people_notice_started", what))) {
            throw DomainException.conflict("concurrent_change", "The incident changed meanwhile; try again.");
        }
        pages.queue(new NoticeCampaign(campaign, run, EmailTemplate.BREACH_NOTICE.wire(), data, defaultLocale,
                audience, 0, 0), 0);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incidentId", incident.incidentId());
        out.put("campaign", campaign);
        out.put("run", run);
        out.put("progress", progress.campaignProgress(campaign));
        return out;
    }

    /** Queued, sent, suppressed and failed notices of the incident's campaign. */
    public Map<String, Object> progress(JsonNode input) {
        Incident incident = existing(input);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incidentId", incident.incidentId());
        out.put("campaign", campaignOf(incident.incidentId()));
        out.put("progress", progress.campaignProgress(campaignOf(incident.incidentId())));
        return out;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private Incident existing(JsonNode input) {
        return IncidentService.existing(store, input);
    }
}
