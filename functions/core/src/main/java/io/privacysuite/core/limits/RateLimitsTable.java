package io.privacysuite.core.limits;

import io.privacysuite.core.retention.RetentionStamp;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * RateLimitsTable's key and attribute names: one counter per rule, key and window ({@code pk = <rule>#<key>#<window>},
 * written by {@link WriteLimits}), its total in {@code used}, deleted by TTL an hour after its window ends.
 */
public final class RateLimitsTable {
    public static final String PK = "pk";
    public static final String USED = "used";
    static final String RULE = "rate_limit_window_1h";

    private RateLimitsTable() {}

    public static Map<String, AttributeValue> key(String counterId) {
        return Map.of(PK, AttributeValue.fromS(counterId));
    }

    /** The retention stamp of a counter: no personal data, gone once its window is long over. */
    static RetentionStamp stamp(Instant expiresAt) {
        return RetentionStamp.ownRule(RULE, expiresAt);
    }
}
