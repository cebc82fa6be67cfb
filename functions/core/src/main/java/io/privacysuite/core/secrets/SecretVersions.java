package io.privacysuite.core.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The values of one secret a function may use right now: the current one (signs) first, then the previous one
 * (still verifies what was signed before a rotation). A refresh hands out a new instance, so users can cache what
 * they derive from it by identity.
 *
 * <p>The previous value may be loaded lazily: signing needs only the current value, and most verifications succeed
 * against it, so a cold start reads one version, and {@link #all()} reads the previous one the first time it is
 * needed (then keeps it for this instance's life).
 */
public final class SecretVersions {
    private final byte[] current;
    private final Supplier<Optional<byte[]>> loadPrevious;
    private volatile List<byte[]> all;

    private SecretVersions(byte[] current, List<byte[]> all, Supplier<Optional<byte[]>> loadPrevious) {
        this.current = current;
        this.all = all;
        this.loadPrevious = loadPrevious;
    }

    /** @param values the current value first, then older ones still accepted */
    public static SecretVersions of(List<byte[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a secret needs a current value");
        }
        List<byte[]> copy = new ArrayList<>();
        values.forEach(v -> copy.add(v.clone()));
        return new SecretVersions(copy.get(0), List.copyOf(copy), null);
    }

    /**
     * The current value now, the previous one from {@code loadPrevious} when {@link #all()} first needs it. A load
     * that throws is not remembered: the next {@link #all()} tries again.
     */
    public static SecretVersions withLazyPrevious(byte[] current, Supplier<Optional<byte[]>> loadPrevious) {
        return new SecretVersions(current.clone(), null, loadPrevious);
    }

    public byte[] current() {
        return current.clone();
    }

    /** True once the previous value was looked up (or was given up front). */
    public boolean previousLoaded() {
        return all != null;
    }

    /** Current first, then the previous value if there is one (read now if it was not yet). */
    public List<byte[]> all() {
        List<byte[]> values = all;
        if (values == null) {
            values = load();
        }
        return values.stream().map(byte[]::clone).toList();
    }

    private synchronized List<byte[]> load() {
        if (all == null) {
            List<byte[]> values = new ArrayList<>();
            values.add(current);
            loadPrevious.get().ifPresent(p -> values.add(p.clone()));
            all = List.copyOf(values);
        }
        return all;
    }
}
