package io.privacysuite.fulfilment;

import io.privacysuite.core.Texts;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The words of the readable export ({@code export/texts.<lang>.properties}, en/fr/nl/de): labels, plurals, and
 * values as a person reads them (dates in their time zone, yes/no, nested values as "label: value").
 */
final class ExportTexts {
    private static final Texts TEXTS = new Texts(ExportTexts.class, "export/texts");
    /** Plumbing a person has no use for: table keys, hashes, retention codes (the expiry is shown as "kept until"). */
    private static final Set<String> INTERNAL = Set.of("pk", "sk", "key", "hash", RetentionPolicy.RULE_ATTRIBUTE,
            RetentionPolicy.CATEGORY_ATTRIBUTE, "signature", "ttl");

    private final String lang;
    // Built once per page, not per value: an export formats a date or two in every record.
    private final DateTimeFormatter dateTimeFormat;
    private final DateTimeFormatter dateFormat;

    private ExportTexts(String lang) {
        this.lang = Texts.supported(lang);
        Locale locale = Locale.forLanguageTag(this.lang);
        this.dateTimeFormat = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT).withLocale(locale);
        this.dateFormat = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale);
    }

    static ExportTexts in(String lang) {
        return new ExportTexts(lang == null ? "en" : lang);
    }

    String lang() {
        return lang;
    }

    static boolean isInternal(String field) {
        // Parked expiries (a hold's, a cancellation's) end in "ExpiresAt": the item's own expiry reads "kept until".
        return INTERNAL.contains(field) || field.endsWith("Hash") || field.endsWith("ExpiresAt")
                || field.startsWith("gsi");
    }

    String text(String key, String... args) {
        return TEXTS.text(lang, key, args);
    }

    String plural(String key, long count) {
        return TEXTS.plural(lang, key, count);
    }

    String dateTime(Instant at, ZoneId zone) {
        return at.atZone(zone).format(dateTimeFormat);
    }

    String date(LocalDate date) {
        return date.format(dateFormat);
    }

    /** The suite's own fields in words of this language; any other field name written out ("orderId": "Order id"). */
    String label(String field) {
        String known = TEXTS.all(lang).getProperty("label." + field);
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
}
