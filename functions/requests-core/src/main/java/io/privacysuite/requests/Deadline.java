package io.privacysuite.requests;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * A request's legal deadlines, as dates in the legal time zone. The request is overdue from {@link #dueAt()},
 * the first instant of the day after {@code dueOn}. {@code extension} counts months (GDPR) or days (CCPA).
 *
 * @param acknowledgeBy only under CCPA (10 business days); null otherwise
 */
public record Deadline(Regime regime, ZoneId zone, LocalDate receivedOn, LocalDate acknowledgeBy,
                       LocalDate originalDueOn, LocalDate dueOn, int extension, String extensionReason) {

    public Instant dueAt() {
        return dueOn.plusDays(1).atStartOfDay(zone).toInstant();
    }

    /**
     * The end of the first period: an extension must be decided and told to the person before this instant - the
     * original due date, and under GDPR never later than one calendar month from receipt (Art. 12(3)).
     */
    public Instant firstPeriodEndsAt() {
        LocalDate end = originalDueOn;
        if (regime != Regime.CCPA && receivedOn.plusMonths(1).isBefore(end)) {
            end = receivedOn.plusMonths(1);
        }
        return end.plusDays(1).atStartOfDay(zone).toInstant();
    }

    public boolean isExtended() {
        return extension > 0;
    }

    public boolean isOverdue(Instant now) {
        return !now.isBefore(dueAt());
    }
}
