package io.privacysuite.fulfilment;

import io.privacysuite.core.retention.HoldIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * What legal holds cover for one request, from one snapshot of the holds table taken before anything is changed.
 * A subject hold on any identifier the person proved (a consent id, a subject id, the address hash) covers everything
 * about them; an account hold covers the items of that account. Held data is kept and restricted, never erased,
 * anonymized or rectified, and still exported (GDPR Art. 17(3)(e), Art. 18).
 */
record Holds(HoldIndex index, boolean person) {
    static final Holds NONE = new Holds(HoldIndex.none(), false);
    /** Why held items stay: shown to the person and recorded on the items. */
    static final String LEGAL_BASIS = "kept for the establishment, exercise or defence of legal claims "
            + "(GDPR Art. 17(3)(e)); processing restricted (Art. 18)";
    /** The marker a held record carries in an export. */
    static final String EXPORT_MARKER = "heldUnderLegalHold";

    static Holds of(HoldIndex index, String emailHash, List<String> consentIds, List<String> subjectIds) {
        List<String> identifiers = new ArrayList<>(consentIds);
        identifiers.addAll(subjectIds);
        identifiers.add(emailHash);
        return new Holds(index, index.coversAny(null, identifiers));
    }

    boolean coversAccount(String accountId) {
        return person || index.coversAccount(accountId);
    }

    boolean coversConsent(String consentId, String accountId) {
        return person || index.coversSubject(consentId) || index.coversAccount(accountId);
    }

    boolean any() {
        return person || !index.isEmpty();
    }
}
