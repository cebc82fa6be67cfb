package io.privacysuite.fulfilment;

import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Build step (Maven, process-classes): checks a data map file and writes its compact form into the request
 * processor's classes as {@link DataMap#RESOURCE}. A map that does not parse fails the build, not the first request
 * after a deploy; placeholders are checked for form only (their values live in the function's environment).
 */
public final class DataMapBundle {
    /** What placeholders resolve to while checking: passes the https rule for webhook urls. */
    static final String CHECK_VALUE = "https://build-check.invalid";

    private DataMapBundle() {}

    /** {@code args}: the data map file, the classes folder to write {@link DataMap#RESOURCE} into. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DataMapBundle <data-map.json> <classes folder>");
        }
        Path source = Path.of(args[0]).toAbsolutePath().normalize();
        DataMap map = bundle(source, Path.of(args[1]));
        System.out.printf("data map bundled: %d sources from %s%n", map.sources().size(), source);
    }

    /** Checks {@code source} and writes it to {@code classes}/{@value DataMap#RESOURCE}; returns the parsed map. */
    public static DataMap bundle(Path source, Path classes) throws IOException {
        if (!Files.isRegularFile(source)) {
            throw new DataMap.InvalidDataMapException("data map file not found: " + source);
        }
        String json = Files.readString(source, StandardCharsets.UTF_8);
        Set<String> variables = DataMap.variables(json);
        Map<String, String> placeholders = new LinkedHashMap<>();
        variables.forEach(name -> placeholders.put(name, CHECK_VALUE));
        DataMap map;
        try {
            map = DataMap.parse(json, Env.of(placeholders));
        } catch (DataMap.InvalidDataMapException e) {
            throw new DataMap.InvalidDataMapException(source + ": " + e.getMessage());
        }
        Path target = classes.resolve(DataMap.RESOURCE);
        Files.createDirectories(target.getParent());
        Files.writeString(target, Json.write(Json.read(json)), StandardCharsets.UTF_8);
        return map;
    }
}
