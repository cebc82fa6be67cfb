package io.privacysuite.consent;

import java.util.Locale;
import java.util.Optional;

/** How the visitor expressed the choice. WITHDRAWAL is set by the server, never accepted from a banner. */
public enum ConsentMethod {
    ACCEPT_ALL, REJECT_ALL, CUSTOM, GPC, WITHDRAWAL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ConsentMethod> fromBanner(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (ConsentMethod m : values()) {
            if (m != WITHDRAWAL && m.wire().equals(value)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public static ConsentMethod fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
