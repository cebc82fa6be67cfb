package io.privacysuite.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Words people read, in English, French, Dutch or German: {@code <name>.<lang>.properties} (UTF-8) beside a class,
 * English where a language lacks a key, and the languages' plural rule. One per set of texts (pages, export, emails).
 */
public final class Texts {
    public static final List<String> LANGUAGES = List.of("en", "fr", "nl", "de");

    private final ClassLoader loader;
    private final String name;
    private final Map<String, Properties> loaded = new ConcurrentHashMap<>();

    /** @param owner a class whose class loader holds the files (each function's own artifact) */
    public Texts(Class<?> owner, String name) {
        this.loader = owner.getClassLoader();
        this.name = name;
    }

    /** {@code lang} when we speak it, else English. */
    public static String supported(String lang) {
        return lang != null && LANGUAGES.contains(lang) ? lang : "en";
    }

    /** English, French, Dutch and German say "1 record" and "2 records"; French also "0 donnée" (singular). */
    public static boolean isSingular(String lang, long count) {
        return count == 1 || (count == 0 && "fr".equals(lang));
    }

    /** Every text of {@code lang} (empty when there is no file). */
    public Properties all(String lang) {
        return loaded.computeIfAbsent(supported(lang), this::load);
    }

    /** The text for {@code key} in {@code lang}, else in English, else the key; {0}, {1}... replaced as written. */
    public String text(String lang, String key, String... args) {
        String text = all(lang).getProperty(key);
        if (text == null) {
            text = all("en").getProperty(key, key);
        }
        for (int i = 0; i < args.length; i++) {
            text = text.replace("{" + i + "}", args[i]);
        }
        return text;
    }

    /** {@code key.one} or {@code key.other} by the language's plural rule, with {0} the count. */
    public String plural(String lang, String key, long count, String... more) {
        String[] args = new String[more.length + 1];
        args[0] = Long.toString(count);
        System.arraycopy(more, 0, args, 1, more.length);
        return text(lang, key + (isSingular(lang, count) ? ".one" : ".other"), args);
    }

    private Properties load(String lang) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(name + "." + lang + ".properties")) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
