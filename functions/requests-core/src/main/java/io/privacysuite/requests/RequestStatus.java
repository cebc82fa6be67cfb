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
    COMPLETED,
    REJECTED;

    public boolean isOpen() {
        return this == VERIFIED || this == IN_PROGRESS;
    }

    public boolean isClosed() {
        return this == COMPLETED || this == REJECTED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
