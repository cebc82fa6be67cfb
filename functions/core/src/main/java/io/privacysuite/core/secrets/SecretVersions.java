package io.privacysuite.core.secrets;

import java.util.ArrayList;
import java.util.List;

/**
 * The values of one secret a function may use right now: the current one (signs) first, then the previous one
 * (still verifies what was signed before a rotation). Immutable; a refresh hands out a new instance, so users
 * can cache what they derive from it by identity.
 */
public final class SecretVersions {
    private final List<byte[]> values;

    private SecretVersions(List<byte[]> values) {
        this.values = values;
    }

    /** @param values the current value first, then older ones still accepted */
    public static SecretVersions of(List<byte[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a secret needs a current value");
        }
        List<byte[]> copy = new ArrayList<>();
        values.forEach(v -> copy.add(v.clone()));
        return new SecretVersions(List.copyOf(copy));
    }

    public byte[] current() {
        return values.get(0).clone();
    }

    /** Current first, then the previous value if there is one. */
    public List<byte[]> all() {
        return values.stream().map(byte[]::clone).toList();
    }
}
