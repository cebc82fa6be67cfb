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
    /**
     * Instants formatted on this page, by epoch second (the pattern shows no fraction of a second): records written
     * together share their seconds, and formatting is most of what a record's page costs. One page, one thread.
     */
    private final Map<Long, String> dateTimes = new java.util.HashMap<>();
    private final boolean secondsEnough;
    private ZoneId dateTimesZone;

    private ExportTexts(String lang) {
        this.lang = Texts.supported(lang);
        Locale locale = Locale.forLanguageTag(this.lang);
        this.dateTimeFormat = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT).withLocale(locale);
        this.dateFormat = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale);
        String pattern = java.time.format.DateTimeFormatterBuilder.getLocalizedDateTimePattern(FormatStyle.LONG,
                FormatStyle.SHORT, java.time.chrono.IsoChronology.INSTANCE, locale).replaceAll("'[^']*'", "");
        this.secondsEnough = pattern.chars().noneMatch(c -> c == 'S' || c == 'n' || c == 'N' || c == 'A');
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
        if (!secondsEnough) {
            return at.atZone(zone).format(dateTimeFormat);
        }
        if (!zone.equals(dateTimesZone) || dateTimes.size() >= 4096) {
            dateTimes.clear();
            dateTimesZone = zone;
        }
        return dateTimes.computeIfAbsent(at.getEpochSecond(), second -> at.atZone(zone).format(dateTimeFormat));
    }

    /**
     * {@code text} as {@link Instant#parse} reads it when it is spelled as {@link Instant#toString} spells instants
     * (UTC, {@code yyyy-MM-ddTHH:mm:ss[.f]Z}, what sources mostly hold), without the general parser; null for any
     * other spelling or an impossible date (the caller then asks {@link Instant#parse}).
     */
    static Instant canonicalInstant(String text) {
        int length = text.length();
        if (length < 20 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int digits = length - 21;
            if (text.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            int fraction = digits(text, 20, length - 1);
            if (fraction < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                fraction *= 10;
            }
            nanos = fraction;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null; // absent, or what only the general parser decides (a leap second)
        }
        try {
            return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                    .toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.DateTimeException impossible) {
            return null;
        }
    }

    /** The decimal number {@code text[from, to)} spells, or -1 if a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
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
            Instant canonical = canonicalInstant(text);
            try {
                return dateTime(canonical != null ? canonical : Instant.parse(text), zone);
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
