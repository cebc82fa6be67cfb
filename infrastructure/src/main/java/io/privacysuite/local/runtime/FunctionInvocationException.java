package io.privacysuite.local.runtime;

/** A local function threw (or could not be created); the cause is the handler's own exception. */
public final class FunctionInvocationException extends RuntimeException {
    private final String logicalId;

    public FunctionInvocationException(String logicalId, String message, Throwable cause) {
        super(logicalId + ": " + message, cause);
        this.logicalId = logicalId;
    }

    public String logicalId() {
        return logicalId;
    }
}
