package io.privacysuite.core.limits;

import java.time.Instant;

/** A counter every container of a function shares: the budget of one key in one window. */
public interface SharedCounter {
    /**
     * Adds {@code amount} to the counter {@code id} unless that would take it past {@code limit}.
     *
     * @param expiresAt when the counter may be deleted (its window is long over)
     * @return whether the amount was granted
     */
    boolean tryAdd(String id, int amount, long limit, Instant expiresAt);
}
