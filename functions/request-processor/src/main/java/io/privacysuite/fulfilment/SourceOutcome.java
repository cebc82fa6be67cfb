package io.privacysuite.fulfilment;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
        records = records == null ? List.of() : records instanceof SpooledRecords ? records : List.copyOf(records);
        kept = kept == null ? List.of() : List.copyOf(kept);
        notApplied = notApplied == null ? List.of() : List.copyOf(notApplied);
    }

    /** Records found for an export; {@code held} of them are under a legal hold (and marked so). */
    public static SourceOutcome found(DataMap.Source source, List<Map<String, Object>> records, int held) {
        return of(source).records(records).found(records.size()).held(held).build();
    }

    /**
     * Records found for an export: each item as {@code record} shows it to the person, marked
     * {@value Holds#EXPORT_MARKER} where a legal hold covers it ({@code held}).
     */
    static SourceOutcome exported(DataMap.Source source, List<Map<String, AttributeValue>> items,
                                  Predicate<Map<String, AttributeValue>> held,
                                  Function<Map<String, AttributeValue>, Map<String, Object>> record) {
        List<Map<String, Object>> records = new ArrayList<>();
        int heldCount = collect(items::forEach, held, record, records);
        return found(source, records, heldCount);
    }

    /**
     * As above, the items handed over one by one by {@code items} (a source read page by page), each record
     * serialized as it comes ({@link SpooledRecords}: {@code export.json}'s text, and the readable page's rows when
     * {@code page} is known) and spooled to a temporary file beyond a memory budget: {@link #release} deletes it.
     */
    static SourceOutcome exported(DataMap.Source source, Consumer<Consumer<Map<String, AttributeValue>>> items,
                                  Predicate<Map<String, AttributeValue>> held,
                                  Function<Map<String, AttributeValue>, Map<String, Object>> record,
                                  ExportPackage.Page page) {
        return exported(source, items, held, record, page, SpooledRecords.MEMORY_BUDGET);
    }

    /** As above, with no page rendered ahead and a memory budget of {@code memoryBudget} bytes per file. */
    static SourceOutcome exported(DataMap.Source source, Consumer<Consumer<Map<String, AttributeValue>>> items,
                                  Predicate<Map<String, AttributeValue>> held,
                                  Function<Map<String, AttributeValue>, Map<String, Object>> record,
                                  long memoryBudget) {
        return exported(source, items, held, record, null, memoryBudget);
    }

    /** As above, keeping up to {@code memoryBudget} bytes per file in memory ({@link SpooledRecords}). */
    static SourceOutcome exported(DataMap.Source source, Consumer<Consumer<Map<String, AttributeValue>>> items,
                                  Predicate<Map<String, AttributeValue>> held,
                                  Function<Map<String, AttributeValue>, Map<String, Object>> record,
                                  ExportPackage.Page page, long memoryBudget) {
        SpooledRecords records = new SpooledRecords(memoryBudget, page, source.context());
        try {
            int heldCount = collect(items, held, record, records);
            return found(source, records.finish(), heldCount);
        } catch (RuntimeException e) {
            records.close();
            throw e;
        }
    }

    private static int collect(Consumer<Consumer<Map<String, AttributeValue>>> items,
                               Predicate<Map<String, AttributeValue>> held,
                               Function<Map<String, AttributeValue>, Map<String, Object>> record,
                               List<Map<String, Object>> records) {
        int[] heldCount = {0};
        items.accept(item -> {
            Map<String, Object> shown = record.apply(item);
            if (held.test(item)) {
                shown.put(Holds.EXPORT_MARKER, true);
                heldCount[0]++;
            }
            records.add(shown);
        });
        return heldCount[0];
    }

    /** Frees what the records hold outside memory (a spool file); the outcome's records are gone afterwards. */
    public void release() {
        if (records instanceof SpooledRecords spool) {
            spool.close();
        }
    }

    /** Only counted: what a source found (and how much a hold covers), nothing changed. */
    public static SourceOutcome counted(DataMap.Source source, int found, int held) {
        return of(source).found(found).held(held).build();
    }

    /** An outcome of {@code source}, every count zero and every list empty until set. */
    public static Builder of(DataMap.Source source) {
        return new Builder(source.id(), source.category(), source.description());
    }

    /** Mutable builder; every setter returns this. */
    public static final class Builder {
        private final String sourceId;
        private final String category;
        private final String description;
        private List<Map<String, Object>> records = List.of();
        private int found;
        private int deleted;
        private int anonymized;
        private int updated;
        private int held;
        private List<Kept> kept = List.of();
        private List<String> notApplied = List.of();

        Builder(String sourceId, String category, String description) {
            this.sourceId = sourceId;
            this.category = category;
            this.description = description;
        }

        public Builder records(List<Map<String, Object>> v) { records = v; return this; }
        public Builder found(int v) { found = v; return this; }
        public Builder deleted(int v) { deleted = v; return this; }
        public Builder anonymized(int v) { anonymized = v; return this; }
        public Builder updated(int v) { updated = v; return this; }
        public Builder held(int v) { held = v; return this; }
        public Builder kept(List<Kept> v) { kept = v; return this; }
        public Builder notApplied(List<String> v) { notApplied = v; return this; }

        public SourceOutcome build() {
            return new SourceOutcome(sourceId, category, description, records, found, deleted, anonymized, updated,
                    held, kept, notApplied);
        }
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
