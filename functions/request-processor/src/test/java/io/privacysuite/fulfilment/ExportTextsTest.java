package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExportTextsTest {
    private static final List<String> LANGS = List.of("en", "fr", "nl", "de");
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Brussels"), ZoneId.of("UTC"),
            ZoneId.of("Asia/Kolkata"), ZoneId.of("America/St_Johns"));

    @Test
    void shouldReadInstantsSpelledAsJavaSpellsThem_exactlyAsInstantParseDoes() {
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            // Years 0000-9999, any nanosecond: toString gives 0, 3, 6 or 9 fraction digits; cut others by hand.
            Instant at = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_799L),
                    random.nextInt(1_000_000_000));
            String text = at.toString();
            assertThat(ExportTexts.canonicalInstant(text)).as(text).isEqualTo(Instant.parse(text));
            if (text.contains(".")) {
                String shorter = text.substring(0, 20 + random.nextInt(1, text.length() - 20)) + "Z";
                assertThat(ExportTexts.canonicalInstant(shorter)).as(shorter).isEqualTo(Instant.parse(shorter));
            }
        }
    }

    @Test
    void shouldLeaveEveryOtherSpellingToTheGeneralParser() {
        for (String text : List.of("2026-11-30T10:15:30+01:00", "2026-11-30T10:15:30z", "2026-11-30T23:59:60Z",
                "2026-11-30T24:00:00Z", "2026-02-30T10:15:30Z", "2026-13-01T10:15:30Z", "2026-11-30T10:15:30.Z",
                "2026-11-30T10:15:30.1234567890Z", "2026-11-30 10:15:30Z", "+2026-11-30T10:15:30Z",
                "2026-11-3OT10:15:30Z", "2026-11-30T10:15:3\u0661Z", "2026-11-30T10:15Z", "x026-11-30T10:15:30Z")) {
            assertThat(ExportTexts.canonicalInstant(text)).as(text).isNull();
        }
    }

    @Test
    void shouldShowEachInstantAsItsOwnFormattingWould_inEveryLanguageAndZone() {
        Random random = new Random(30);
        for (String lang : LANGS) {
            DateTimeFormatter reference = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                    .withLocale(Locale.forLanguageTag(lang));
            ExportTexts texts = ExportTexts.in(lang); // one page: its cache sees every zone and instant below
            for (int i = 0; i < 3_000; i++) {
                ZoneId zone = ZONES.get(random.nextInt(ZONES.size()));
                // Few distinct seconds, many nanoseconds each (a batch of records written together), and any instant.
                long second = i % 2 == 0 ? 1_796_000_000L + random.nextInt(5) : random.nextLong(0, 4_000_000_000L);
                Instant at = Instant.ofEpochSecond(second, random.nextInt(1_000_000_000));
                assertThat(texts.value("at", at.toString(), zone)).as(lang + " " + zone + " " + at)
                        .isEqualTo(at.atZone(zone).format(reference));
            }
        }
    }

    @Test
    void shouldShowTextThatNoParserReadsAsItIs() {
        ExportTexts texts = ExportTexts.in("en");
        for (String text : List.of("2026-02-30T10:15:30Z", "2026-11-30T10:15:30Zulu", "2026-11-30Tlater today")) {
            boolean parses;
            try {
                Instant.parse(text);
                parses = true;
            } catch (DateTimeParseException e) {
                parses = false;
            }
            assertThat(parses).as(text).isFalse();
            assertThat(texts.value("note", text, ZoneId.of("UTC"))).isEqualTo(text);
        }
    }
}
