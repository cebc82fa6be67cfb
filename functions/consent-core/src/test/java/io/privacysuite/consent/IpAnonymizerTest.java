package io.privacysuite.consent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAnonymizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
            "203.0.113.57, 203.0.113.0",
            "10.0.0.255, 10.0.0.0",
            "001.002.003.004, 1.2.3.0",
            "2001:db8:85a3:8d3:1319:8a2e:370:7348, 2001:db8:85a3::",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8:0::",
            "::ffff:198.51.100.23, 198.51.100.0",
            "fe80::1%eth0, fe80:0:0::",
            "256.1.1.1, NULL",
            "example.com, NULL",
            "'', NULL",
    })
    void shouldTruncateAddressesBeforeStorage(String input, String expected) {
        assertThat(IpAnonymizer.anonymize(input)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"203.0.113.57", "2001:db8:85a3:8d3:1319:8a2e:370:7348"})
    void shouldNeverKeepTheHostPart(String ip) {
        String anonymized = IpAnonymizer.anonymize(ip);
        assertThat(anonymized).doesNotContain("57").doesNotContain("7348").doesNotContain("8a2e");
    }
}
