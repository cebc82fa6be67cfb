package io.privacysuite.core.retention;

import io.privacysuite.core.Env;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The one place that turns a data category into an expiry. Every write of personal data asks it for the
 * TTL it stores, so changing a period is a configuration change, not a hunt for constants.
 */
public final class RetentionPolicy {
    /** The TTL attribute every table uses (epoch seconds), as declared in template.yaml. */
    public static final String TTL_ATTRIBUTE = "expiresAt";
    /** The attribute that names the rule a record's TTL came from. */
    public static final String RULE_ATTRIBUTE = "retentionRule";

    private final int endUserMonths;

    public RetentionPolicy(int endUserMonths) {
        if (endUserMonths < 1 || endUserMonths > 12) {
            throw new IllegalArgumentException("end-user retention must be 1..12 months, was " + endUserMonths);
        }
        this.endUserMonths = endUserMonths;
    }

    public static RetentionPolicy from(Env env) {
        return new RetentionPolicy(env.getInt("CONSENT_LIFETIME_MONTHS", 12));
    }

    public int endUserMonths() {
        return endUserMonths;
    }

    /** When a record of this category written at {@code writtenAt} expires (month arithmetic in UTC). */
    public Instant expiryOf(DataCategory category, Instant writtenAt) {
        return switch (category) {
            case END_USER -> writtenAt.atOffset(ZoneOffset.UTC).plusMonths(endUserMonths).toInstant();
            default -> throw new UnsupportedOperationException(category + " has no time-based rule while active");
        };
    }

    public String ruleName(DataCategory category) {
        return switch (category) {
            case END_USER -> "end_user_" + endUserMonths + "m";
            case ACCOUNT -> "account_tax_period";
            case CONFIGURATION -> "configuration_until_cancellation";
            case SYSTEM -> "system_until_cancellation";
        };
    }

    /** Whether a record whose TTL is {@code expiresAtEpochSeconds} must be treated as gone (TTL deletion lags). */
    public static boolean isExpired(long expiresAtEpochSeconds, Instant now) {
        return expiresAtEpochSeconds > 0 && expiresAtEpochSeconds <= now.getEpochSecond();
    }
}
