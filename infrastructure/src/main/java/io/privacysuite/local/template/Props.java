package io.privacysuite.local.template;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed access to the loosely typed maps and lists SnakeYAML produces. */
public final class Props {
    private Props() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    public static Map<String, Object> map(Map<String, Object> parent, String key) {
        return map(parent.get(key));
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    public static List<Object> list(Map<String, Object> parent, String key) {
        return list(parent.get(key));
    }

    public static Optional<String> string(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null || value instanceof Map || value instanceof List
                ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    public static Optional<Integer> integer(Map<String, Object> parent, String key) {
        return string(parent, key).map(s -> (int) Double.parseDouble(s));
    }

    public static boolean bool(Map<String, Object> parent, String key, boolean fallback) {
        return string(parent, key).map(Boolean::parseBoolean).orElse(fallback);
    }
}
