package io.privacysuite.requests;

import java.util.Locale;

/** Where a request stands. Only verified requests count against the legal clock's open work. */
public enum RequestStatus {
    /** Received; the emailed link has not been clicked. Purged by TTL when the link expires. */
    PENDING_VERIFICATION,
    /** Identity confirmed through the link; queued for processing. */
    VERIFIED,
    /** A processor or an operator is working on it. */
    IN_PROGRESS,
    /**
     * Fulfilment could not finish (a data source kept failing after its retries): operators were alerted. Still open
     * (the legal clock runs); an operator completes or rejects it after fixing the source, or re-queues it.
     */
    NEEDS_ATTENTION,
    COMPLETED,
    REJECTED;

    public boolean isOpen() {
        return this == VERIFIED || this == IN_PROGRESS || this == NEEDS_ATTENTION;
    }

    public boolean isClosed() {
        return this == COMPLETED || this == REJECTED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
