package io.privacysuite.core.http;

import io.privacysuite.core.errors.DomainException;
import java.util.Map;
import java.util.TreeMap;

/** A failure that maps to a JSON error response: status, a stable machine code, a message, field errors. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> fieldErrors;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> fieldErrors) {
        this(status, code, message, fieldErrors, Map.of());
    }

    private ApiException(int status, String code, String message, Map<String, String> fieldErrors,
                         Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.fieldErrors = new TreeMap<>(fieldErrors);
        this.headers = Map.copyOf(headers);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException validation(Map<String, String> fieldErrors) {
        return new ApiException(400, "validation_failed", "The request has invalid fields.", fieldErrors);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found.");
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "gone", message);
    }

    public static ApiException tooLarge(int limit) {
        return new ApiException(413, "payload_too_large", "The body is larger than " + limit + " bytes.");
    }

    public static ApiException tooManyRequests(long retryAfterSeconds) {
        return new ApiException(429, "too_many_requests", "Too many requests; retry after " + retryAfterSeconds + " s.",
                Map.of(), Map.of("retry-after", Long.toString(retryAfterSeconds)));
    }

    /**
     * The edge's answer to a refusal, in the one place the suite maps refusals to HTTP statuses (and, through
     * {@link ConsoleActions#error}, to console answers): a service's {@link DomainException} by its kind, an
     * ApiException (the edge's own: body size, media type, malformed path) as it is.
     */
    public static ApiException of(RuntimeException refusal) {
        if (refusal instanceof ApiException api) {
            return api;
        }
        if (!(refusal instanceof DomainException e)) {
            throw new IllegalArgumentException("not a refusal: " + refusal.getClass().getName());
        }
        if (e.kind() == DomainException.Kind.LIMITED) {
            return tooManyRequests(e.retryAfterSeconds());
        }
        int status = switch (e.kind()) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case GONE -> 410;
            case LIMITED -> 429;
        };
        return new ApiException(status, e.code(), e.getMessage(), e.fieldErrors());
    }

    /** Headers the error response carries (e.g. {@code retry-after} with a 429). */
    public Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> fieldErrors() {
        return fieldErrors;
    }
}
