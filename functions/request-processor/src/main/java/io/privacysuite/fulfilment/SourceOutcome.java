package io.privacysuite.fulfilment;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one source did for a request: the records found (for exports), counts of what was deleted, anonymized,
 * updated or flagged, what was kept and why, and rectifications it could not apply (routed to operators).
 */
public record SourceOutcome(String sourceId, String category, String description, List<Map<String, Object>> records,
                            int found, int deleted, int anonymized, int updated, List<Kept> kept,
                            List<String> notApplied) {
    /** Items kept despite an erasure request: how many, why, until when. */
    public record Kept(String category, int count, String legalBasis, LocalDate until, boolean restricted) {}

    public SourceOutcome {
        records = records == null ? List.of() : List.copyOf(records);
        kept = kept == null ? List.of() : List.copyOf(kept);
        notApplied = notApplied == null ? List.of() : List.copyOf(notApplied);
    }

    public static SourceOutcome found(DataMap.Source source, List<Map<String, Object>> records) {
        return new SourceOutcome(source.id(), source.category(), source.description(), records, records.size(),
                0, 0, 0, List.of(), List.of());
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
