package io.privacysuite.retention;

import java.util.Locale;

/** Why an item was erased, as its deletion receipt records it. */
public enum Cause {
    /** DynamoDB's TTL deleted it (seen in the stream), or it depended on an item TTL deleted. */
    TTL,
    /** The sweeper deleted it: its expiry passed longer ago than the grace and TTL had not acted. */
    SWEEPER,
    /** Its account was cancelled, and its category is erased at once. */
    CANCELLATION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
