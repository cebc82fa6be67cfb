package io.privacysuite.core.secrets;

import java.util.List;

/** One secret as a function sees it: its versions now (cached and refreshed by whoever implements it). */
@FunctionalInterface
public interface Secret {
    SecretVersions versions();

    /** Asks for a reload soon, e.g. when a key signed by a newer version than the cached ones arrives. */
    default void refreshSoon() {}

    /**
     * Starts {@code load} on another thread now and returns at once; the first use waits for it. A cold start can
     * so build its other clients while the secret is read; a failed load fails that first use (still at init).
     */
    static Secret loadingInBackground(java.util.function.Supplier<Secret> load) {
        return new BackgroundSecret(load);
    }

    /** A secret that never changes (tests, benchmarks). */
    static Secret fixed(List<byte[]> values) {
        SecretVersions versions = SecretVersions.of(values);
        return () -> versions;
    }
}
