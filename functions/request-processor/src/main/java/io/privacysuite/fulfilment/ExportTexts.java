package io.privacysuite.fulfilment;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The words of the readable export ({@code export/texts.<lang>.properties}, en/fr/nl/de): labels, plurals, and
 * values as a person reads them (dates in their time zone, yes/no, nested values as "label: value").
 */
final class ExportTexts {
    static final List<String> LANGUAGES = List.of("en", "fr", "nl", "de");
    private static final Map<String, Properties> TEXTS = new ConcurrentHashMap<>();
    /** Plumbing a person has no use for: table keys, hashes, retention codes (the expiry is shown as "kept until"). */
    private static final Set<String> INTERNAL = Set.of("pk", "sk", "key", "hash", "retentionRule", "dataCategory",
            "heldExpiresAt", "normalExpiresAt", "signature", "ttl");

    private final String lang;

    private ExportTexts(String lang) {
        this.lang = LANGUAGES.contains(lang) ? lang : "en";
    }

    static ExportTexts in(String lang) {
        return new ExportTexts(lang == null ? "en" : lang);
    }

    String lang() {
        return lang;
    }

    static boolean isInternal(String field) {
        return INTERNAL.contains(field) || field.endsWith("Hash") || field.startsWith("gsi");
    }

    String text(String key, String... args) {
        String text = props(lang).getProperty(key);
        if (text == null) {
            text = props("en").getProperty(key, key);
        }
        for (int i = 0; i < args.length; i++) {
            text = text.replace("{" + i + "}", args[i]);
        }
        return text;
    }

    /** {@code key.one} or {@code key.other} with {0} the count (French counts 0 as singular). */
    String plural(String key, long count) {
        boolean one = count == 1 || (count == 0 && lang.equals("fr"));
        return text(key + (one ? ".one" : ".other"), Long.toString(count));
    }

    String dateTime(Instant at, ZoneId zone) {
        return at.atZone(zone).format(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                .withLocale(Locale.forLanguageTag(lang)));
    }

    String date(LocalDate date) {
        return date.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(lang)));
    }

    /** The suite's own fields in words of this language; any other field name written out ("orderId": "Order id"). */
    String label(String field) {
        String known = props(lang).getProperty("label." + field);
        if (known != null) {
            return known;
        }
        String words = field.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').toLowerCase(Locale.ROOT);
        return words.isEmpty() ? field : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    String value(String field, Object value, ZoneId zone) {
        if (value == null) {
            return "-";
        }
        if (value instanceof Boolean b) {
            return text(b ? "yes" : "no");
        }
        if (value instanceof Number n && (field.endsWith("At") || field.endsWith("Until"))) {
            long seconds = n.longValue();
            if (seconds > 1_000_000_000L && seconds < 10_000_000_000L) {
                // Expiries are epoch seconds: the day something is deleted matters, not the second.
                return date(LocalDate.ofInstant(Instant.ofEpochSecond(seconds), zone));
            }
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().filter(e -> !isInternal(String.valueOf(e.getKey())))
                    .map(e -> label(String.valueOf(e.getKey())) + ": " + value(String.valueOf(e.getKey()), e.getValue(), zone))
                    .collect(Collectors.joining("; "));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> value(field, v, zone)).collect(Collectors.joining(", "));
        }
        String text = String.valueOf(value);
        if (text.length() >= 20 && text.length() <= 35 && text.charAt(4) == '-' && text.contains("T")) {
            try {
                return dateTime(Instant.parse(text), zone);
            } catch (DateTimeParseException notAnInstant) {
                // plain text
            }
        }
        if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
            try {
                return date(LocalDate.parse(text));
            } catch (DateTimeParseException notADate) {
                // plain text
            }
        }
        return text;
    }

    private static Properties props(String lang) {
        return TEXTS.computeIfAbsent(lang, l -> {
            Properties p = new Properties();
            try (InputStream in = ExportTexts.class.getClassLoader().getResourceAsStream("export/texts." + l + ".properties")) {
                if (in != null) {
                    p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        });
    }
}
