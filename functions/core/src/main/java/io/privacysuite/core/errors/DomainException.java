package io.privacysuite.core.errors;

import java.util.Map;
import java.util.TreeMap;

/**
 * A refusal a service states in its own terms: what kind of refusal, a stable machine code, a message that names
 * fields and never echoes values, the field errors. Services know nothing of HTTP or of the Lambda console; the edge
 * turns a refusal into an HTTP answer or a console answer in one place ({@code io.privacysuite.core.http.ApiException#of}).
 */
public final class DomainException extends RuntimeException {
    /** What went wrong, as the service sees it. */
    public enum Kind {
        /** The input is not acceptable (a field, or the request as a whole). */
        INVALID,
        /** The thing named does not exist, or the caller may not learn that it does. */
        NOT_FOUND,
        /** The caller did not prove what the action needs (a key, an origin). */
        FORBIDDEN,
        /** The action clashes with the current state (a concurrent change, a reused request id). */
        CONFLICT,
        /** It existed and was erased under its retention rule. */
        GONE,
        /** A rate or write limit: come back after {@link #retryAfterSeconds()}. */
        LIMITED
    }

    private final Kind kind;
    private final String code;
    private final Map<String, String> fieldErrors;
    private final long retryAfterSeconds;

    private DomainException(Kind kind, String code, String message, Map<String, String> fieldErrors,
                            long retryAfterSeconds) {
        super(message, null, false, false);
        this.kind = kind;
        this.code = code;
        this.fieldErrors = new TreeMap<>(fieldErrors);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static DomainException invalid(Map<String, String> fieldErrors) {
        return new DomainException(Kind.INVALID, "validation_failed", "The request has invalid fields.", fieldErrors, 0);
    }

    public static DomainException badRequest(String message) {
        return new DomainException(Kind.INVALID, "bad_request", message, Map.of(), 0);
    }

    public static DomainException notFound(String what) {
        return new DomainException(Kind.NOT_FOUND, "not_found", what + " not found.", Map.of(), 0);
    }

    public static DomainException forbidden(String code, String message) {
        return new DomainException(Kind.FORBIDDEN, code, message, Map.of(), 0);
    }

    public static DomainException conflict(String code, String message) {
        return new DomainException(Kind.CONFLICT, code, message, Map.of(), 0);
    }

    public static DomainException gone(String message) {
        return new DomainException(Kind.GONE, "gone", message, Map.of(), 0);
    }

    public static DomainException limited(long retryAfterSeconds) {
        return new DomainException(Kind.LIMITED, "too_many_requests",
                "Too many requests; retry after " + retryAfterSeconds + " s.", Map.of(), retryAfterSeconds);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
