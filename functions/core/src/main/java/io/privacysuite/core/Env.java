package io.privacysuite.core;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A function's configuration: on Lambda the process environment, locally and in tests a map that the
 * local suite builds from template.yaml. Handlers receive one instead of calling System.getenv, so many
 * functions with different settings can share one JVM.
 */
public final class Env {
    private final Map<String, String> values;
    private final boolean processEnvironment;

    private Env(Map<String, String> values, boolean processEnvironment) {
        this.values = Map.copyOf(values);
        this.processEnvironment = processEnvironment;
    }

    public static Env system() {
        return new Env(System.getenv(), true);
    }

    public static Env of(Map<String, String> values) {
        return new Env(values, false);
    }

    /** A configuration that is treated as a deployed function's (not a local run): tests of what AWS enforces. */
    public static Env deployed(Map<String, String> values) {
        return new Env(values, true);
    }

    /** True on Lambda (or any real process environment), false for a map built by the local suite or a test. */
    public boolean isProcessEnvironment() {
        return processEnvironment;
    }

    /**
     * True when the local suite or a test built this configuration (never on Lambda, whose configuration is the
     * process environment): only then may links and webhooks use plain http, and only to a loopback host.
     */
    public boolean isLocalRun() {
        return !processEnvironment;
    }

    public Optional<String> find(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    public String get(String name, String fallback) {
        return find(name).orElse(fallback);
    }

    public String require(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException("missing configuration: " + name));
    }

    public int getInt(String name, int fallback) {
        return find(name).map(Integer::parseInt).orElse(fallback);
    }

    /** A copy with more entries; later ones win. */
    public Env with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new Env(merged, processEnvironment);
    }

    public Map<String, String> asMap() {
        return values;
    }
}
