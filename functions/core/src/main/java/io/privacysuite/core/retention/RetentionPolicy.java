package io.privacysuite.core.retention;

import io.privacysuite.core.Env;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one place that turns a data category into an expiry. Every write of personal data asks it for the
 * TTL it stores, so changing a period is a configuration change, not a hunt for constants.
 *
 * <p>Rules while an account is active: end-user data {@link #endUserMonths} months after writing; data subject
 * request records as configured; account, configuration and system data have no time limit. Rules at cancellation
 * ({@link #expiryAtCancellation}): end-user, configuration and system data at once; account data at the start of
 * the fiscal year that follows N full fiscal years after the fiscal year of cancellation ({@link FiscalCalendar}).
 */
public final class RetentionPolicy {
    /** The TTL attribute every table uses (epoch seconds), as declared in template.yaml. */
    public static final String TTL_ATTRIBUTE = "expiresAt";
    /** The attribute that names the rule a record's TTL came from. */
    public static final String RULE_ATTRIBUTE = "retentionRule";
    /** The attribute naming the item's {@link DataCategory} ({@link DataCategory#wire()}). */
    public static final String CATEGORY_ATTRIBUTE = "dataCategory";
    /**
     * Where a legal hold parks an item's TTL: DynamoDB cannot pause a TTL, so the attribute is moved here while
     * held and moved back on release.
     */
    public static final String HELD_TTL_ATTRIBUTE = "heldExpiresAt";

    private final int endUserMonths;
    private final Duration verificationWindow;
    private final int requestRecordMonths;
    private final FiscalCalendar fiscal;
    private final Duration sweeperGrace;
    private final int breachRecordYears;

    public RetentionPolicy(int endUserMonths) {
        this(endUserMonths, Duration.ofHours(72), 24);
    }

    public RetentionPolicy(int endUserMonths, Duration verificationWindow, int requestRecordMonths) {
        this(endUserMonths, verificationWindow, requestRecordMonths, FiscalCalendar.CALENDAR_YEAR_TEN,
                Duration.ofHours(48));
    }

    public RetentionPolicy(int endUserMonths, Duration verificationWindow, int requestRecordMonths,
                           FiscalCalendar fiscal, Duration sweeperGrace) {
        this(endUserMonths, verificationWindow, requestRecordMonths, fiscal, sweeperGrace, 5);
    }

    public RetentionPolicy(int endUserMonths, Duration verificationWindow, int requestRecordMonths,
                           FiscalCalendar fiscal, Duration sweeperGrace, int breachRecordYears) {
        if (endUserMonths < 1 || endUserMonths > 12) {
            throw new IllegalArgumentException("end-user retention must be 1..12 months, was " + endUserMonths);
        }
        if (verificationWindow.isNegative() || verificationWindow.isZero()) {
            throw new IllegalArgumentException("verification window must be positive");
        }
        if (requestRecordMonths < 1) {
            throw new IllegalArgumentException("request records must be kept at least a month");
        }
        if (sweeperGrace.isNegative()) {
            throw new IllegalArgumentException("sweeper grace cannot be negative");
        }
        if (breachRecordYears < 1 || breachRecordYears > 30) {
            throw new IllegalArgumentException("breach records must be kept 1..30 years, was " + breachRecordYears);
        }
        this.endUserMonths = endUserMonths;
        this.verificationWindow = verificationWindow;
        this.requestRecordMonths = requestRecordMonths;
        this.fiscal = fiscal;
        this.sweeperGrace = sweeperGrace;
        this.breachRecordYears = breachRecordYears;
    }

    /**
     * Reads {@code CONSENT_LIFETIME_MONTHS} (default 12), {@code VERIFICATION_WINDOW_HOURS} (72),
     * {@code REQUEST_RECORD_MONTHS} (24, what peers keep for accountability), {@code FISCAL_YEAR_START}
     * ({@code MM-dd}, 01-01), {@code TAX_RETENTION_YEARS} (10), {@code FISCAL_TIME_ZONE} (UTC) and
     * {@code SWEEPER_GRACE_HOURS} (48: AWS TTL usually deletes within two days) and {@code BREACH_RECORD_YEARS}
     * (5: how long the breach register keeps an incident, counted from its opening).
     */
    public static RetentionPolicy from(Env env) {
        return new RetentionPolicy(env.getInt("CONSENT_LIFETIME_MONTHS", 12),
                Duration.ofHours(env.getInt("VERIFICATION_WINDOW_HOURS", 72)),
                env.getInt("REQUEST_RECORD_MONTHS", 24),
                FiscalCalendar.of(env.get("FISCAL_YEAR_START", "01-01"), env.getInt("TAX_RETENTION_YEARS", 10),
                        env.get("FISCAL_TIME_ZONE", "UTC")),
                Duration.ofHours(env.getInt("SWEEPER_GRACE_HOURS", 48)),
                env.getInt("BREACH_RECORD_YEARS", 5));
    }

    public Duration verificationWindow() {
        return verificationWindow;
    }

    public int endUserMonths() {
        return endUserMonths;
    }

    public FiscalCalendar fiscal() {
        return fiscal;
    }

    /** How long past its expiry an item may linger (TTL lag) before the sweeper deletes it itself. */
    public Duration sweeperGrace() {
        return sweeperGrace;
    }

    /** When a record of this category written at {@code writtenAt} expires (month arithmetic in UTC). */
    public Instant expiryOf(DataCategory category, Instant writtenAt) {
        return switch (category) {
            case END_USER -> writtenAt.atOffset(ZoneOffset.UTC).plusMonths(endUserMonths).toInstant();
            case UNVERIFIED_REQUEST -> writtenAt.plus(verificationWindow);
            case REQUEST_RECORD -> writtenAt.atOffset(ZoneOffset.UTC).plusMonths(requestRecordMonths).toInstant();
            case RATE_LIMIT_COUNTER -> writtenAt.plus(Duration.ofDays(1));
            case BREACH_RECORD -> writtenAt.atOffset(ZoneOffset.UTC).plusYears(breachRecordYears).toInstant();
            default -> throw new UnsupportedOperationException(category + " has no time-based rule while active");
        };
    }

    /** The expiry of a record written while its account is active; empty for categories kept while active. */
    public Optional<Instant> activeExpiryOf(DataCategory category, Instant writtenAt) {
        return switch (category) {
            case ACCOUNT, CONFIGURATION, SYSTEM -> Optional.empty();
            default -> Optional.of(expiryOf(category, writtenAt));
        };
    }

    /**
     * When a record of an account cancelled at {@code cancelledAt} expires: account data after the tax period,
     * everything else of the account at once (never later than its own active rule would).
     */
    public Instant expiryAtCancellation(DataCategory category, Instant cancelledAt) {
        return switch (category) {
            case ACCOUNT -> fiscal.erasureAfterCancellation(cancelledAt);
            case END_USER, CONFIGURATION, SYSTEM -> cancelledAt;
            case UNVERIFIED_REQUEST, REQUEST_RECORD, RATE_LIMIT_COUNTER, BREACH_RECORD ->
                    throw new UnsupportedOperationException(category + " records follow their own rule, not the account's");
        };
    }

    public String ruleName(DataCategory category) {
        return switch (category) {
            case END_USER -> "end_user_" + endUserMonths + "m";
            case ACCOUNT -> fiscal.ruleName();
            case CONFIGURATION -> "configuration_until_cancellation";
            case SYSTEM -> "system_until_cancellation";
            case UNVERIFIED_REQUEST -> "unverified_request_" + verificationWindow.toHours() + "h";
            case REQUEST_RECORD -> "request_record_" + requestRecordMonths + "m";
            case RATE_LIMIT_COUNTER -> "rate_limit_counter_1d";
            case BREACH_RECORD -> "breach_register_" + breachRecordYears + "y";
        };
    }

    /** The rule name stored on an item whose TTL was set by its account's cancellation. */
    public String cancellationRuleName(DataCategory category) {
        return category == DataCategory.ACCOUNT ? fiscal.ruleName() : category.wire() + "_at_cancellation";
    }

    /** The stamp of a record of {@code category} written at {@code writtenAt}: its category, rule and active TTL. */
    public RetentionStamp stampFor(DataCategory category, Instant writtenAt) {
        return new RetentionStamp(category, ruleName(category), activeExpiryOf(category, writtenAt).orElse(null));
    }

    /**
     * Stamps a personal-data item about to be written: its category, and for categories with a time limit the
     * TTL and the rule it came from. The single write path every store uses ({@link RetentionStamp}).
     */
    public Map<String, AttributeValue> stamp(Map<String, AttributeValue> item, DataCategory category,
                                             Instant writtenAt) {
        return stampFor(category, writtenAt).onto(item);
    }

    /** Whether a record whose TTL is {@code expiresAtEpochSeconds} must be treated as gone (TTL deletion lags). */
    public static boolean isExpired(long expiresAtEpochSeconds, Instant now) {
        return expiresAtEpochSeconds > 0 && expiresAtEpochSeconds <= now.getEpochSecond();
    }

    /**
     * Whether a stored item must be treated as gone: its TTL passed, or (while a legal hold parks the TTL) its
     * parked expiry passed. Held items are kept, never served.
     */
    public static boolean isExpired(Map<String, AttributeValue> item, Instant now) {
        return expiryOf(item).map(e -> isExpired(e.getEpochSecond(), now)).orElse(false);
    }

    /** The item's expiry, live or parked by a legal hold. */
    public static Optional<Instant> expiryOf(Map<String, AttributeValue> item) {
        AttributeValue ttl = item.get(TTL_ATTRIBUTE);
        if (ttl == null || ttl.n() == null) {
            ttl = item.get(HELD_TTL_ATTRIBUTE);
        }
        return ttl == null || ttl.n() == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(Long.parseLong(ttl.n())));
    }
}
