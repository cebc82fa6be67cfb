package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RetentionPeriodTest {
    static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    @Test
    void shouldCountFullFiscalYearsAfterTheCurrentOne() {
        Instant midYear = Instant.parse("2026-06-15T10:00:00Z");

        assertThat(RetentionPeriod.parse("10 fiscal years").until(midYear, BRUSSELS)).isEqualTo(LocalDate.of(2037, 1, 1));
        // Fiscal year starting 1 April: the request falls in FY 2026-04-01..2027-03-31, then 10 full years.
        assertThat(RetentionPeriod.parse("10 fiscal years from 04-01").until(midYear, BRUSSELS))
                .isEqualTo(LocalDate.of(2037, 4, 1));
        assertThat(RetentionPeriod.parse("10 fiscal years from 04-01").until(Instant.parse("2026-02-01T10:00:00Z"), BRUSSELS))
                .isEqualTo(LocalDate.of(2036, 4, 1));
    }

    @Test
    void shouldAcceptIsoPeriods_andRefuseNonsense() {
        assertThat(RetentionPeriod.parse("P24M").until(Instant.parse("2026-06-15T10:00:00Z"), BRUSSELS))
                .isEqualTo(LocalDate.of(2028, 6, 15));
        assertThatThrownBy(() -> RetentionPeriod.parse("forever")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPeriod.parse("P0D")).hasMessageContaining("positive");
    }
}
