package io.privacysuite.core.retention;

import java.util.Locale;

/** What kind of data a record is; the retention policy maps each to its rule. */
public enum DataCategory {
    /** Visitors' and end users' data, such as consent records: kept 12 months, erased at account cancellation. */
    END_USER,
    /** Account and billing data: kept for the tax period after cancellation. */
    ACCOUNT,
    /** A customer's configuration (sites, banners): erased at cancellation. */
    CONFIGURATION,
    /** System-generated data (caches, idempotency records, rate-limit counters): erased at cancellation. */
    SYSTEM,
    /** A data subject request that was never verified: purged when its verification link expires. */
    UNVERIFIED_REQUEST,
    /** A verified data subject request and its audit trail: kept for accountability after it closes. */
    REQUEST_RECORD,
    /** Rate-limit counters keyed by hashed addresses or IPs: kept one day, long after their window closes. */
    RATE_LIMIT_COUNTER,
    /**
     * A personal-data breach and its audit trail in the breach register (GDPR Art. 33(5)): kept a fixed number of
     * years after the incident was opened, whatever happens to any account.
     */
    BREACH_RECORD;

    /** The value stored in items' {@code dataCategory} attribute, e.g. {@code end_user}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The category an item's {@code dataCategory} attribute names. */
    public static DataCategory fromWire(String wire) {
        for (DataCategory c : values()) {
            if (c.wire().equals(wire)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown data category: " + wire);
    }
}
