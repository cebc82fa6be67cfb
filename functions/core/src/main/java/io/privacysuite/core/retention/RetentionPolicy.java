package io.privacysuite.core.retention;

import io.privacysuite.core.Env;
import java.time.Duration;
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
    private final Duration verificationWindow;
    private final int requestRecordMonths;

    public RetentionPolicy(int endUserMonths) {
        this(endUserMonths, Duration.ofHours(72), 24);
    }

    public RetentionPolicy(int endUserMonths, Duration verificationWindow, int requestRecordMonths) {
        if (endUserMonths < 1 || endUserMonths > 12) {
            throw new IllegalArgumentException("end-user retention must be 1..12 months, was " + endUserMonths);
        }
        if (verificationWindow.isNegative() || verificationWindow.isZero()) {
            throw new IllegalArgumentException("verification window must be positive");
        }
        if (requestRecordMonths < 1) {
            throw new IllegalArgumentException("request records must be kept at least a month");
        }
        this.endUserMonths = endUserMonths;
        this.verificationWindow = verificationWindow;
        this.requestRecordMonths = requestRecordMonths;
    }

    /**
     * Reads {@code CONSENT_LIFETIME_MONTHS} (default 12), {@code VERIFICATION_WINDOW_HOURS} (72) and
     * {@code REQUEST_RECORD_MONTHS} (24, what peers keep for accountability).
     */
    public static RetentionPolicy from(Env env) {
        return new RetentionPolicy(env.getInt("CONSENT_LIFETIME_MONTHS", 12),
                Duration.ofHours(env.getInt("VERIFICATION_WINDOW_HOURS", 72)),
                env.getInt("REQUEST_RECORD_MONTHS", 24));
    }

    public Duration verificationWindow() {
        return verificationWindow;
    }

    public int endUserMonths() {
        return endUserMonths;
    }

    /** When a record of this category written at {@code writtenAt} expires (month arithmetic in UTC). */
    public Instant expiryOf(DataCategory category, Instant writtenAt) {
        return switch (category) {
            case END_USER -> writtenAt.atOffset(ZoneOffset.UTC).plusMonths(endUserMonths).toInstant();
            case UNVERIFIED_REQUEST -> writtenAt.plus(verificationWindow);
            case REQUEST_RECORD -> writtenAt.atOffset(ZoneOffset.UTC).plusMonths(requestRecordMonths).toInstant();
            case RATE_LIMIT_COUNTER -> writtenAt.plus(Duration.ofDays(1));
            default -> throw new UnsupportedOperationException(category + " has no time-based rule while active");
        };
    }

    public String ruleName(DataCategory category) {
        return switch (category) {
            case END_USER -> "end_user_" + endUserMonths + "m";
            case ACCOUNT -> "account_tax_period";
            case CONFIGURATION -> "configuration_until_cancellation";
            case SYSTEM -> "system_until_cancellation";
            case UNVERIFIED_REQUEST -> "unverified_request_" + verificationWindow.toHours() + "h";
            case REQUEST_RECORD -> "request_record_" + requestRecordMonths + "m";
            case RATE_LIMIT_COUNTER -> "rate_limit_counter_1d";
        };
    }

    /** Whether a record whose TTL is {@code expiresAtEpochSeconds} must be treated as gone (TTL deletion lags). */
    public static boolean isExpired(long expiresAtEpochSeconds, Instant now) {
        return expiresAtEpochSeconds > 0 && expiresAtEpochSeconds <= now.getEpochSecond();
    }
}
