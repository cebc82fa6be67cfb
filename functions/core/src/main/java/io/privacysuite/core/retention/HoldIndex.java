package io.privacysuite.core.retention;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The active holds at one moment, answering "may this be erased?" without a read per item. Used by the retention
 * engine (TTL, sweeper, cancellation) and by the request processor (erasure, rectification, exports).
 */
public final class HoldIndex {
    private final Set<String> held;
    private final boolean anyAccountHold;

    public HoldIndex(List<LegalHold> active) {
        this.held = active.stream().map(LegalHold::partitionKey).collect(Collectors.toUnmodifiableSet());
        this.anyAccountHold = active.stream().anyMatch(h -> h.scope() == LegalHold.Scope.ACCOUNT);
    }

    public static HoldIndex none() {
        return new HoldIndex(List.of());
    }

    public boolean isEmpty() {
        return held.isEmpty();
    }

    public boolean hasAccountHolds() {
        return anyAccountHold;
    }

    public boolean coversAccount(String accountId) {
        return accountId != null && held.contains(LegalHold.partitionKey(LegalHold.Scope.ACCOUNT, accountId));
    }

    public boolean coversSubject(String subjectId) {
        return subjectId != null && held.contains(LegalHold.partitionKey(LegalHold.Scope.SUBJECT, subjectId));
    }

    /** Whether a hold covers the account or any of the subject ids (null entries ignored). */
    public boolean coversAny(String accountId, java.util.Collection<String> subjectIds) {
        return coversAccount(accountId) || subjectIds.stream().anyMatch(this::coversSubject);
    }
}
