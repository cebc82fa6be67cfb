package io.privacysuite.fulfilment;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one source did for a request: the records found (for exports), counts of what was deleted, anonymized,
 * updated or flagged, how many items a legal hold covered, what was kept and why, and rectifications it could not
 * apply (routed to operators).
 */
public record SourceOutcome(String sourceId, String category, String description, List<Map<String, Object>> records,
                            int found, int deleted, int anonymized, int updated, int held, List<Kept> kept,
                            List<String> notApplied) {
    /** Items kept despite an erasure request: how many, why, until when. */
    public record Kept(String category, int count, String legalBasis, LocalDate until, boolean restricted) {}

    public SourceOutcome {
        records = records == null ? List.of() : List.copyOf(records);
        kept = kept == null ? List.of() : List.copyOf(kept);
        notApplied = notApplied == null ? List.of() : List.copyOf(notApplied);
    }

    /** Records found for an export; {@code held} of them are under a legal hold (and marked so). */
    public static SourceOutcome found(DataMap.Source source, List<Map<String, Object>> records, int held) {
        return new SourceOutcome(source.id(), source.category(), source.description(), records, records.size(),
                0, 0, 0, held, List.of(), List.of());
    }

    /** Only counted: what a source found (and how much a hold covers), nothing changed. */
    public static SourceOutcome counted(DataMap.Source source, int found, int held) {
        return new SourceOutcome(source.id(), source.category(), source.description(), List.of(), found, 0, 0, 0,
                held, List.of(), List.of());
    }

    /** One line for the audit trail: counts and reasons, no personal data. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        parts.add("found " + found);
        if (deleted > 0) {
            parts.add("deleted " + deleted);
        }
        if (anonymized > 0) {
            parts.add("anonymized " + anonymized);
        }
        if (updated > 0) {
            parts.add("updated " + updated);
        }
        if (held > 0) {
            parts.add(held + " under legal hold");
        }
        for (Kept k : kept) {
            parts.add("kept " + k.count() + " " + k.category() + " (" + k.legalBasis()
                    + (k.until() == null ? "" : ", until " + k.until()) + (k.restricted() ? ", restricted" : "") + ")");
        }
        if (!notApplied.isEmpty()) {
            parts.add("not applied: " + String.join(", ", notApplied));
        }
        return sourceId + ": " + String.join(", ", parts);
    }
}
