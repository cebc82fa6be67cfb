package io.privacysuite.retention;

import io.privacysuite.core.retention.HoldIndex;
import io.privacysuite.core.retention.LegalHold;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Places and lifts legal holds. Placing records the hold first, then parks the TTL of everything in scope (so
 * DynamoDB cannot delete it); lifting records the release first, then re-arms every parked TTL no other hold
 * still covers. Items whose time passed meanwhile then go through TTL, the stream and their receipts as usual.
 * A release interrupted halfway leaves items parked without a hold; the sweeper finds and erases those.
 */
public final class HoldService {
    private final RetentionEngine engine;
    private final Clock clock;

    public HoldService(RetentionEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    public record Placed(LegalHold hold, int parked) {}

    public record Released(LegalHold hold, boolean changed, int resumed, int stillHeld) {}

    public Placed place(LegalHold.Scope scope, String scopeId, String reason, String placedBy) {
        requireText(scopeId, "scopeId");
        requireText(reason, "reason");
        requireText(placedBy, "placedBy");
        // Checked before any table is read: an account id as accounts are keyed, or a consent id.
        if (scope == LegalHold.Scope.ACCOUNT) {
            AccountStore.requireId(scopeId);
        } else if (!io.privacysuite.core.Ids.isUuid(scopeId)) {
            throw new IllegalArgumentException("scopeId of a subject hold must be a consent id (a UUID)");
        }
        Instant now = clock.instant();
        LegalHold hold = new LegalHold(UUID.randomUUID().toString(), scope, scopeId, reason, placedBy, now,
                null, null, null);
        engine.holds().place(hold);
        int parked = 0;
        for (StoredItem item : inScope(scope, scopeId, now, false)) {
            parked += engine.retimer().park(item) ? 1 : 0;
        }
        return new Placed(hold, parked);
    }

    public Released release(String holdId, String releasedBy, String reason) {
        requireText(holdId, "holdId");
        requireText(releasedBy, "releasedBy");
        requireText(reason, "reason");
        if (!io.privacysuite.core.Ids.isUuid(holdId)) {
            throw new IllegalArgumentException("no legal hold " + holdId.substring(0, Math.min(40, holdId.length())));
        }
        LegalHold hold = engine.holds().find(holdId)
                .orElseThrow(() -> new IllegalArgumentException("no legal hold " + holdId));
        Instant now = clock.instant();
        boolean changed = engine.holds().release(hold, releasedBy, reason, now);
        // Even a repeated release re-arms what is still parked: it completes an interrupted one.
        HoldIndex remaining = engine.holds().activeIndex();
        Ownership ownership = engine.ownership();
        int resumed = 0;
        int stillHeld = 0;
        for (StoredItem item : inScope(hold.scope(), hold.scopeId(), now, true)) {
            if (!item.isParked()) {
                continue;
            }
            if (ownership.isHeld(remaining, item)) {
                stillHeld++;
            } else {
                resumed += engine.retimer().unpark(item) ? 1 : 0;
            }
        }
        return new Released(engine.holds().find(holdId).orElse(hold), changed, resumed, stillHeld);
    }

    public List<LegalHold> list() {
        return engine.holds().all();
    }

    public Optional<LegalHold> find(String holdId) {
        return engine.holds().find(holdId);
    }

    private List<StoredItem> inScope(LegalHold.Scope scope, String scopeId, Instant now, boolean withParked) {
        return switch (scope) {
            case ACCOUNT -> engine.finder().ofAccount(scopeId, now, withParked);
            case SUBJECT -> engine.finder().ofSubject(scopeId);
        };
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }
}
