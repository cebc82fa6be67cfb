package io.privacysuite.consent;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Consent versions: appended, never changed; a consent's history in order; a site's records day by day. */
public interface ConsentStore {
    /** Appends a version; false when that version already exists (a retry or a concurrent change). */
    boolean append(ConsentRecord record);

    /** Every stored version, oldest first, including ones past their TTL (callers decide what to serve). */
    List<ConsentRecord> history(String consentId);

    Optional<ConsentRecord> version(String consentId, int version);

    /**
     * One page of a site's records on one UTC day, in time order. {@code startKey} is where the previous page of the
     * same day stopped ({@link Page#nextKey}), or null for the first.
     */
    Page siteDay(String siteId, LocalDate day, Map<String, String> startKey, int limit);

    /** {@code nextKey}: where the day goes on (opaque, all strings), or null when the day is done. */
    record Page(List<ConsentRecord> records, Map<String, String> nextKey) {}
}
