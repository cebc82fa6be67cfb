package io.privacysuite.core;

import java.util.regex.Pattern;

/**
 * The shapes of the identifiers that reach the suite from outside. Every one is checked before it is used in a
 * store key, so an oversized or odd value is a 400/404 answered in memory, never a failed DynamoDB call.
 */
public final class Ids {
    /** Site ids as the operator registers them. */
    public static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** The canonical lower-case form of a UUID (consent and request ids). */
    public static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern UUID_V4 = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}");
    /** 16 random bytes are 22 base64url characters (or 32 hex digits, which this also admits). */
    private static final Pattern RANDOM_TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,128}");
    /** A random 22-character token has about 17 distinct characters; fewer than this is a counter or a pattern. */
    private static final int MIN_DISTINCT = 10;

    public static final String REQUEST_ID_RULE =
            "must be a random UUID (version 4) or at least 16 random bytes in base64url or hex (22-128 characters)";

    private Ids() {}

    public static boolean isSiteId(String value) {
        return value != null && SITE_ID.matcher(value).matches();
    }

    public static boolean isUuid(String value) {
        return value != null && value.length() == 36 && UUID.matcher(value).matches();
    }

    /**
     * Whether a client's idempotency key carries enough randomness that nobody else can guess it: a retry with the
     * same key gets the original answer back, so the key is what stands between a stranger and that answer.
     */
    public static boolean isUnguessableRequestId(String value) {
        if (value == null || value.length() > 128) {
            return false;
        }
        if (UUID_V4.matcher(value).matches()) {
            return true;
        }
        return RANDOM_TOKEN.matcher(value).matches() && value.chars().distinct().count() >= MIN_DISTINCT;
    }
}
