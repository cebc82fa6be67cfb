package io.privacysuite.requests;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The rights a data subject can exercise (GDPR Art. 15-21). */
public enum RequestType {
    ACCESS, PORTABILITY, RECTIFICATION, ERASURE, RESTRICTION, OBJECTION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RequestType> parse(String value) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(value)).findFirst();
    }
}
