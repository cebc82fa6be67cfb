package io.privacysuite.core.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/** Collects every field error of a request before failing, so a client fixes them all in one round. */
public final class FieldErrors {
    private final Map<String, String> errors = new LinkedHashMap<>();

    public FieldErrors add(String field, String message) {
        errors.putIfAbsent(field, message);
        return this;
    }

    public boolean has(String field) {
        return errors.containsKey(field);
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw DomainException.invalid(errors);
        }
    }
}
