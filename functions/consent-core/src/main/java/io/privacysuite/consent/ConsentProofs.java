package io.privacysuite.consent;

import java.time.Clock;
import java.time.Instant;

/**
 * Whether someone holds a consent: the key of one of its live versions, as the browser keeps it. Data subject
 * requests name consents this way, so nobody can export or erase a consent whose id they merely know.
 */
public final class ConsentProofs {
    private final ConsentStore store;
    private final ConsentSigner signer;
    private final Clock clock;

    public ConsentProofs(ConsentStore store, ConsentSigner signer, Clock clock) {
        this.store = store;
        this.signer = signer;
        this.clock = clock;
    }

    public boolean holds(String consentId, String key) {
        Instant now = clock.instant();
        return signer.verifiesAny(store.history(consentId).stream().filter(v -> !v.isErased(now)).toList(), key);
    }
}
