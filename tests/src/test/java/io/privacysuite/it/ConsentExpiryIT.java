package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.Site;
import io.privacysuite.consent.api.ConsentService;
import io.privacysuite.consent.api.ConsentSubmission;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.http.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expired consent is never served, even while DynamoDB's TTL deletion lags (days on AWS): the service is run
 * with a clock 13 months ahead against records that DynamoDB has not removed (for it they are not expired).
 */
class ConsentExpiryIT extends IntegrationTest {

    private ConsentService serviceAt(Clock clock) {
        return PolicyVersionIT.consentServiceAt(clock, io.privacysuite.consent.PolicyVersions.NONE);
    }

    @Test
    void shouldNeverServeAConsentPastItsExpiry_evenBeforeTtlDeletesIt() {
        String siteId = uniqueId("expiry");
        registerSite(siteId, siteId, "v1", "https://expiry.example");
        ConsentService today = serviceAt(Clock.systemUTC());
        Site site = today.site(siteId);
        var recorded = today.record(site, new ConsentSubmission(ConsentMethod.ACCEPT_ALL, Categories.ALL, "v1",
                "https://expiry.example/", null, null), new ConsentService.Visitor("203.0.113.9", false)).record();

        ConsentService later = serviceAt(Clock.offset(Clock.systemUTC(), Duration.ofDays(31 * 13)));
        ConsentService.Verification verification = later.verify(site, recorded.consentId(), null, recorded.key(), null);
        assertThat(verification.status()).isEqualTo(ConsentService.Status.EXPIRED);
        assertThat(verification.record()).isNull();

        ApiException history = ApiException.of(catchThrowableOfType(DomainException.class,
                () -> later.history(site, recorded.consentId(), recorded.key())));
        assertThat(history.status()).isEqualTo(410);
        ApiException change = ApiException.of(catchThrowableOfType(DomainException.class, () -> later.withdraw(site,
                recorded.consentId(), recorded.key(), null, null, new ConsentService.Visitor(null, false))));
        assertThat(change.status()).isEqualTo(410);

        // Still there for DynamoDB, and still valid today: only the clock decided.
        assertThat(today.verify(site, recorded.consentId(), null, recorded.key(), null).status())
                .isEqualTo(ConsentService.Status.VALID);
    }

    @Test
    void shouldSayExpired_whenTheSitesShorterLifetimeHasLapsed() {
        String siteId = uniqueId("short");
        stack.functions().invokeForJson("ConsentAdminFunction", java.util.Map.of("action", "registerSite", "site",
                java.util.Map.of("siteId", siteId, "allowedOrigins", List.of("https://short.example"),
                        "bannerVersion", "v1", "consentLifetimeMonths", 6)));
        ConsentService today = serviceAt(Clock.systemUTC());
        Site site = today.site(siteId);
        var recorded = today.record(site, new ConsentSubmission(ConsentMethod.REJECT_ALL, Categories.NONE, "v1",
                "https://short.example/", null, null), new ConsentService.Visitor(null, false)).record();
        assertThat(recorded.validUntil()).isBefore(recorded.expiresAt());

        ConsentService sevenMonthsOn = serviceAt(Clock.offset(Clock.systemUTC(), Duration.ofDays(7 * 31)));
        assertThat(sevenMonthsOn.verify(site, recorded.consentId(), null, recorded.key(), null).status())
                .isEqualTo(ConsentService.Status.EXPIRED);
        // The proof is kept until the retention TTL, so the history still answers.
        assertThat(sevenMonthsOn.history(site, recorded.consentId(), recorded.key())).hasSize(1);
        assertThat(Instant.now()).isBefore(recorded.validUntil());
    }
}
