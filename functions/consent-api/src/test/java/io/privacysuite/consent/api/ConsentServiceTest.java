package io.privacysuite.consent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.Site;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.fixtures.InMemoryConsentStore;
import io.privacysuite.fixtures.InMemorySiteRegistry;
import io.privacysuite.fixtures.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ConsentService on in-memory stores: what is recorded, replayed, refused and answered, without an emulator. */
class ConsentServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:15:30.123456Z");
    private static final Site SHOP = new Site("shop", "Shop", "acme", "acme", List.of("https://shop.example.com"),
            "2026-11", 12, NOW);
    private static final ConsentService.Visitor VISITOR =
            new ConsentService.Visitor("203.0.113.77", false, "https://shop.example.com");
    private static final String REQUEST_ID = "9b2f6c1e-4d3a-4e8b-a1c7-5f0e2d9c8b7a";

    private final MutableClock clock = new MutableClock(NOW);
    private final InMemoryConsentStore store = new InMemoryConsentStore();
    private final ConsentSigner signer = new ConsentSigner(List.of("unit-test-secret-0123456789".getBytes(StandardCharsets.UTF_8)));
    private final ConsentService service = new ConsentService(new InMemorySiteRegistry(SHOP), store, signer,
            new RetentionPolicy(12), clock);

    private static ConsentSubmission custom(boolean marketing, String requestId) {
        return new ConsentSubmission(ConsentMethod.CUSTOM, new Categories(true, false, marketing), "2026-11",
                "https://shop.example.com/cart", null, requestId);
    }

    @Test
    void shouldRecordASignedFirstVersion_withTheAnonymizedAddressAndTheRetentionRule() {
        ConsentService.Outcome outcome = service.record(SHOP, custom(true, null), VISITOR);

        ConsentRecord r = outcome.record();
        assertThat(outcome.replayed()).isFalse();
        assertThat(store.history(r.consentId())).containsExactly(r);
        assertThat(r.version()).isEqualTo(1);
        assertThat(r.ipAnonymized()).isEqualTo("203.0.113.0");
        assertThat(r.recordedAt()).isEqualTo(Instant.parse("2026-11-29T10:15:30.123Z"));
        assertThat(r.expiresAt()).isEqualTo(Instant.parse("2027-11-29T10:15:30Z"));
        assertThat(r.retentionRule()).isEqualTo("end_user_12m");
        assertThat(signer.verify(r, r.key())).isTrue();
    }

    @Test
    void shouldHonourGlobalPrivacyControl_byRecordingMarketingOff() {
        ConsentRecord r = service.record(SHOP, custom(true, null),
                new ConsentService.Visitor("203.0.113.77", true, null)).record();

        assertThat(r.gpc()).isTrue();
        assertThat(r.categories().marketing()).isFalse();
        assertThat(r.categories().preferences()).isTrue();
    }

    @Test
    void shouldReplayTheSameRequest_andRefuseTheSameRequestIdWithAnotherBody() {
        ConsentRecord first = service.record(SHOP, custom(false, REQUEST_ID), VISITOR).record();

        ConsentService.Outcome again = service.record(SHOP, custom(false, REQUEST_ID), VISITOR);
        DomainException other = catchThrowableOfType(DomainException.class,
                () -> service.record(SHOP, custom(true, REQUEST_ID), VISITOR));
        DomainException otherOrigin = catchThrowableOfType(DomainException.class, () -> service.record(SHOP,
                custom(false, REQUEST_ID), new ConsentService.Visitor("203.0.113.77", false, "https://evil.example")));

        assertThat(again.replayed()).isTrue();
        assertThat(again.record()).isEqualTo(first);
        assertThat(other.kind()).isEqualTo(DomainException.Kind.CONFLICT);
        assertThat(other.code()).isEqualTo("idempotency_key_reused");
        assertThat(otherOrigin.code()).isEqualTo("idempotency_key_reused");
        assertThat(store.all()).hasSize(1);
    }

    @Test
    void shouldRefuseAPageOutsideTheSitesOrigins_andAnUnknownOrMalformedSite() {
        ConsentSubmission elsewhere = new ConsentSubmission(ConsentMethod.ACCEPT_ALL, Categories.ALL, "2026-11",
                "https://attacker.example/", null, null);

        assertThat(catchThrowableOfType(DomainException.class, () -> service.record(SHOP, elsewhere, VISITOR))
                .fieldErrors()).containsKey("pageUrl");
        assertThat(catchThrowableOfType(DomainException.class, () -> service.site("nope")).kind())
                .isEqualTo(DomainException.Kind.NOT_FOUND);
        assertThat(catchThrowableOfType(DomainException.class, () -> service.site("../../etc")).kind())
                .isEqualTo(DomainException.Kind.NOT_FOUND);
        assertThat(store.all()).isEmpty();
    }

    @Test
    void shouldWithdrawAsANewSignedVersionRefusingEveryOptionalCategory() {
        ConsentRecord given = service.record(SHOP, custom(true, null), VISITOR).record();
        clock.advance(Duration.ofMinutes(5));

        ConsentRecord withdrawn = service.withdraw(SHOP, given.consentId(), given.key(), null, null, VISITOR).record();

        assertThat(withdrawn.version()).isEqualTo(2);
        assertThat(withdrawn.method()).isEqualTo(ConsentMethod.WITHDRAWAL);
        assertThat(withdrawn.categories()).isEqualTo(Categories.NONE);
        assertThat(withdrawn.pageUrl()).isEqualTo(given.pageUrl());
        assertThat(service.verify(SHOP, given.consentId(), 1, given.key(), null).status())
                .isEqualTo(ConsentService.Status.SUPERSEDED);
        assertThat(service.verify(SHOP, given.consentId(), null, withdrawn.key(), null).status())
                .isEqualTo(ConsentService.Status.VALID);
    }

    @Test
    void shouldRefuseAChangeWithAKeyOfAnotherConsent_beforeLookingAtItsRequestId() {
        ConsentRecord mine = service.record(SHOP, custom(false, null), VISITOR).record();
        ConsentRecord theirs = service.record(SHOP, custom(true, null), VISITOR).record();

        DomainException e = catchThrowableOfType(DomainException.class,
                () -> service.change(SHOP, theirs.consentId(), mine.key(), custom(false, null), VISITOR));

        assertThat(e.kind()).isEqualTo(DomainException.Kind.FORBIDDEN);
        assertThat(e.code()).isEqualTo("invalid_key");
        assertThat(store.history(theirs.consentId())).hasSize(1);
    }

    @Test
    void shouldReportAConcurrentChange_whenAnotherWriterAppendedTheSameVersion() {
        ConsentRecord given = service.record(SHOP, custom(false, null), VISITOR).record();
        store.beforeNextAppend(ours -> store.append(ours.toBuilder().method(ConsentMethod.REJECT_ALL).build()));

        DomainException e = catchThrowableOfType(DomainException.class,
                () -> service.change(SHOP, given.consentId(), given.key(), custom(true, null), VISITOR));

        assertThat(e.code()).isEqualTo("concurrent_change");
        assertThat(store.version(given.consentId(), 2).orElseThrow().method()).isEqualTo(ConsentMethod.REJECT_ALL);
    }

    @Test
    void shouldAnswerVerificationsAsTheBannerExpects() {
        ConsentRecord r = service.record(SHOP, custom(true, null), VISITOR).record();

        assertThat(service.verify(SHOP, r.consentId(), 1, r.key(), new Categories(true, false, true)).status())
                .isEqualTo(ConsentService.Status.VALID);
        assertThat(service.verify(SHOP, r.consentId(), 1, r.key(), new Categories(true, true, true)).status())
                .as("categories the browser claims but the record does not hold").isEqualTo(ConsentService.Status.INVALID);
        assertThat(service.verify(SHOP, r.consentId(), 7, r.key(), null).status()).isEqualTo(ConsentService.Status.INVALID);
        Site newBanner = new Site("shop", "Shop", "acme", "acme", SHOP.allowedOrigins(), "2027-01", 12, NOW);
        assertThat(service.verify(newBanner, r.consentId(), null, r.key(), null).status())
                .isEqualTo(ConsentService.Status.OUTDATED_VERSION);
        assertThat(catchThrowableOfType(DomainException.class,
                () -> service.verify(SHOP, "not-a-uuid", null, r.key(), null)).kind())
                .isEqualTo(DomainException.Kind.NOT_FOUND);
    }

    @Test
    void shouldTreatAConsentPastItsExpiryAsErased_evenBeforeTtlRemovesIt() {
        ConsentRecord r = service.record(SHOP, custom(true, null), VISITOR).record();
        clock.set(r.expiresAt());

        ConsentService.Verification v = service.verify(SHOP, r.consentId(), null, r.key(), null);
        DomainException history = catchThrowableOfType(DomainException.class,
                () -> service.history(SHOP, r.consentId(), r.key()));

        assertThat(v.status()).isEqualTo(ConsentService.Status.EXPIRED);
        assertThat(v.record()).isNull();
        assertThat(history.kind()).isEqualTo(DomainException.Kind.GONE);
    }
}
