package io.privacysuite.requests;

/** Which deadline rules apply to requests. */
public enum Regime {
    /** GDPR Art. 12(3): one calendar month from receipt, extendable by two further months. */
    GDPR,
    /** A policy promising 30 days instead of the calendar month; the same two-month extension. */
    GDPR_30_DAYS,
    /** CCPA: acknowledge within 10 business days, respond within 45 calendar days, extendable by 45 days. */
    CCPA
}
