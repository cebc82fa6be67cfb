package io.privacysuite.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a completed request did, in counts and reasons the person's status page can put in their language: records
 * exported, erased, kept (category, count, legal basis, deletion date), fields corrected. Recorded once in the audit
 * trail (action {@value #ACTION}, the values as JSON in {@code why}): no personal data, only counts and the data map's
 * own words. This class owns that format.
 */
public record RequestOutcome(Kind kind, int records, int erased, List<Kept> kept, List<String> corrected) {
    public static final String ACTION = "outcome";

    public enum Kind { EXPORT, ERASURE, RECTIFICATION, NO_DATA, FLAGGED }

    /** Records kept under a legal obligation or hold; {@code until} an ISO date or null. */
    public record Kept(String category, int count, String legalBasis, String until) {}

    public RequestOutcome {
        kept = List.copyOf(kept);
        corrected = List.copyOf(corrected);
    }

    public static RequestOutcome export(int records) {
        return new RequestOutcome(Kind.EXPORT, records, 0, List.of(), List.of());
    }

    public static RequestOutcome erasure(int erased, List<Kept> kept) {
        return new RequestOutcome(Kind.ERASURE, 0, erased, kept, List.of());
    }

    public static RequestOutcome rectification(List<String> corrected) {
        return new RequestOutcome(Kind.RECTIFICATION, 0, 0, List.of(), corrected);
    }

    public static RequestOutcome noData() {
        return new RequestOutcome(Kind.NO_DATA, 0, 0, List.of(), List.of());
    }

    /** A restriction or objection applied (the request's type says which). */
    public static RequestOutcome flagged() {
        return new RequestOutcome(Kind.FLAGGED, 0, 0, List.of(), List.of());
    }

    public AuditEntry audit(Instant at, String actor, String status) {
        ObjectNode json = Json.object();
        json.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        json.put("records", records);
        json.put("erased", erased);
        var keptArray = json.putArray("kept");
        for (Kept k : kept) {
            ObjectNode item = keptArray.addObject();
            item.put("category", k.category());
            item.put("count", k.count());
            item.put("legalBasis", k.legalBasis());
            if (k.until() != null) {
                item.put("until", k.until());
            }
        }
        corrected.forEach(json.putArray("corrected")::add);
        return new AuditEntry(at, actor, ACTION, status, status, Json.write(json));
    }

    /** The last outcome recorded in {@code audit}, if any (an unreadable one counts as none). */
    public static Optional<RequestOutcome> from(List<AuditEntry> audit) {
        for (int i = audit.size() - 1; i >= 0; i--) {
            AuditEntry e = audit.get(i);
            if (ACTION.equals(e.action()) && e.why() != null) {
                try {
                    JsonNode json = Json.read(e.why());
                    List<Kept> kept = new ArrayList<>();
                    json.path("kept").forEach(k -> kept.add(new Kept(k.path("category").asText(), k.path("count").asInt(),
                            k.path("legalBasis").asText(), k.hasNonNull("until") ? k.get("until").asText() : null)));
                    List<String> corrected = new ArrayList<>();
                    json.path("corrected").forEach(c -> corrected.add(c.asText()));
                    return Optional.of(new RequestOutcome(Kind.valueOf(json.path("kind").asText().toUpperCase(
                            java.util.Locale.ROOT)), json.path("records").asInt(), json.path("erased").asInt(), kept,
                            corrected));
                } catch (Exception unreadable) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
