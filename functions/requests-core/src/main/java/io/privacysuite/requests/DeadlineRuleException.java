package io.privacysuite.requests;

/** An operator action the legal clock refuses (e.g. an extension without a reason or after the first month). */
public final class DeadlineRuleException extends RuntimeException {
    private final String code;

    public DeadlineRuleException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
