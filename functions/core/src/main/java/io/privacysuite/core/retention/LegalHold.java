package io.privacysuite.core.retention;

import java.time.Instant;
import java.util.Locale;

/**
 * A legal hold: while active, nothing in its scope is erased (by TTL, sweeper or cancellation). Who placed and
 * lifted it, when and why are kept for the audit trail; a released hold stays on record.
 */
public record LegalHold(
        String holdId,
        Scope scope,
        String scopeId,
        String reason,
        String placedBy,
        Instant placedAt,
        String releasedBy,
        Instant releasedAt,
        String releaseReason) {

    /** What a hold covers: a customer account (all its data), or one data subject (a consent's versions). */
    public enum Scope {
        ACCOUNT, SUBJECT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scope fromWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    public boolean isActive() {
        return releasedAt == null;
    }

    public String partitionKey() {
        return partitionKey(scope, scopeId);
    }

    public static String partitionKey(Scope scope, String scopeId) {
        return LegalHoldsTable.pk(scope, scopeId);
    }
}
