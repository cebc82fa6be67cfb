package io.privacysuite.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsentSignerTest {
    private static final byte[] SECRET = "test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OLD_SECRET = "old-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    static ConsentRecord record() {
        Instant at = Instant.parse("2026-11-22T10:00:00.123Z");
        return ConsentRecord.builder().consentId("c-1").version(1).siteId("shop").siteGroup("acme")
                .categories(new Categories(true, false, true)).method(ConsentMethod.CUSTOM).bannerVersion("2026-11")
                .pageUrl("https://shop.example.com/").ipAnonymized("203.0.113.0").recordedAt(at)
                .validUntil(Instant.parse("2027-11-22T10:00:00.123Z")).expiresAt(Instant.parse("2027-11-22T10:00:00Z"))
                .retentionRule("end_user_12m").build();
    }

    @Test
    void shouldVerifyTheKeyItIssued() {
        ConsentSigner signer = new ConsentSigner(List.of(SECRET));
        String key = signer.sign(record());
        assertThat(signer.verify(record(), key)).isTrue();
    }

    @Test
    void shouldRejectAKey_whenAnySignedFieldChanged() {
        ConsentSigner signer = new ConsentSigner(List.of(SECRET));
        String key = signer.sign(record());
        assertThat(signer.verify(record().withCategories(new Categories(true, true, true)), key)).isFalse();
        ConsentRecord r = record();
        ConsentRecord otherSite = r.toBuilder().siteId("other").key(null).requestId(null).requestHash(null).build();
        assertThat(signer.verify(otherSite, key)).isFalse();
    }

    @Test
    void shouldRejectTamperedForgedAndMalformedKeys() {
        ConsentSigner signer = new ConsentSigner(List.of(SECRET));
        String key = signer.sign(record());
        String flipped = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
        assertThat(signer.verify(record(), flipped)).isFalse();
        assertThat(signer.verify(record(), new ConsentSigner(List.of(OLD_SECRET)).sign(record()))).isFalse();
        assertThat(signer.verify(record(), "no-dot")).isFalse();
        assertThat(signer.verify(record(), ".")).isFalse();
        assertThat(signer.verify(record(), null)).isFalse();
    }

    @Test
    void shouldStillVerifyKeysOfThePreviousSecret_afterRotation() {
        String oldKey = new ConsentSigner(List.of(OLD_SECRET)).sign(record());
        ConsentSigner rotated = new ConsentSigner(List.of(SECRET, OLD_SECRET));
        assertThat(rotated.verify(record(), oldKey)).isTrue();
        assertThat(rotated.sign(record())).isNotEqualTo(oldKey).startsWith(ConsentSigner.keyIdOf(SECRET) + ".");
    }

    @Test
    void shouldRefuseAShortSecret() {
        assertThatThrownBy(() -> new ConsentSigner(List.of("short".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void canonicalFormShouldNotLetOneFieldShiftIntoAnother() {
        ConsentRecord r = record();
        ConsentRecord shared = r.toBuilder().version(1).tcString(null).ipAnonymized(null).gpc(false).retentionRule(null)
                .key(null).requestId(null).requestHash(null).build();
        ConsentRecord a = shared.toBuilder().consentId("ab").siteId("c").build();
        ConsentRecord b = shared.toBuilder().consentId("a").siteId("bc").build();
        assertThat(a.canonical()).isNotEqualTo(b.canonical());
    }

    @Test
    void consentIdsShouldBeKeyed_soNobodyWithoutTheSecretCanDeriveThem() {
        ConsentSigner signer = new ConsentSigner(List.of(SECRET));
        String requestId = "3f0c2a9e-5b1d-4c8e-9a7f-0d1e2f3a4b5c";
        String id = signer.consentIdFor("shop", requestId);
        assertThat(id).isEqualTo(signer.consentIdFor("shop", requestId))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
                .isNotEqualTo(java.util.UUID.nameUUIDFromBytes(("shop\u0000" + requestId)
                        .getBytes(StandardCharsets.UTF_8)).toString())
                .isNotEqualTo(signer.consentIdFor("shop2", requestId))
                .isNotEqualTo(new ConsentSigner(List.of(OLD_SECRET)).consentIdFor("shop", requestId));
    }

    @Test
    void shouldPickUpANewSecretVersion_andAskForARefreshOnAnUnknownKeyId() {
        java.util.concurrent.atomic.AtomicReference<io.privacysuite.core.secrets.SecretVersions> current =
                new java.util.concurrent.atomic.AtomicReference<>(
                        io.privacysuite.core.secrets.SecretVersions.of(List.of(OLD_SECRET)));
        java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
        io.privacysuite.core.secrets.Secret secret = new io.privacysuite.core.secrets.Secret() {
            public io.privacysuite.core.secrets.SecretVersions versions() {
                return current.get();
            }

            public void refreshSoon() {
                refreshes.incrementAndGet();
            }
        };
        ConsentSigner signer = new ConsentSigner(secret);
        String oldKey = signer.sign(record());
        String newKey = new ConsentSigner(List.of(SECRET)).sign(record());
        assertThat(signer.verify(record(), newKey)).isFalse();
        assertThat(refreshes).hasValue(1);

        current.set(io.privacysuite.core.secrets.SecretVersions.of(List.of(SECRET, OLD_SECRET)));
        assertThat(signer.verify(record(), newKey)).isTrue();
        assertThat(signer.verify(record(), oldKey)).isTrue();
        assertThat(signer.sign(record())).isEqualTo(newKey);
    }

    @Test
    void shouldSignAndVerifyWithoutThePreviousSecret_andReadItOnceForAKeyTheCurrentOneDidNotIssue() {
        java.util.concurrent.atomic.AtomicInteger previousReads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
        io.privacysuite.core.secrets.SecretVersions versions = io.privacysuite.core.secrets.SecretVersions
                .withLazyPrevious(SECRET, () -> {
                    previousReads.incrementAndGet();
                    return java.util.Optional.of(OLD_SECRET);
                });
        ConsentSigner signer = new ConsentSigner(new io.privacysuite.core.secrets.Secret() {
            public io.privacysuite.core.secrets.SecretVersions versions() {
                return versions;
            }

            public void refreshSoon() {
                refreshes.incrementAndGet();
            }
        });
        String key = signer.sign(record());
        signer.consentIdFor("shop", "3f0c2a9e-5b1d-4c8e-9a7f-0d1e2f3a4b5c");
        assertThat(signer.verify(record(), key)).isTrue();
        assertThat(signer.verify(record().withCategories(new Categories(true, true, true)), key))
                .as("a tampered record under the current key id").isFalse();
        assertThat(previousReads).as("signing and current-key checks never read AWSPREVIOUS").hasValue(0);

        String oldKey = new ConsentSigner(List.of(OLD_SECRET)).sign(record());
        assertThat(signer.verify(record(), oldKey)).as("a key issued before the rotation").isTrue();
        assertThat(signer.verify(record().withCategories(new Categories(true, true, true)), oldKey)).isFalse();
        assertThat(signer.verify(record(), "0badc0de.AAAA")).isFalse();
        assertThat(previousReads).as("read once per version set").hasValue(1);
        assertThat(refreshes).as("only the unknown key id asks for a refresh").hasValue(1);
        assertThat(signer.sign(record())).isEqualTo(key);
    }

    @Test
    void shouldFailLoudly_notRefuseTheKey_whenThePreviousSecretCannotBeRead_andTryAgainNextTime() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        io.privacysuite.core.secrets.SecretVersions versions = io.privacysuite.core.secrets.SecretVersions
                .withLazyPrevious(SECRET, () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("Secrets Manager unreachable");
                    }
                    return java.util.Optional.of(OLD_SECRET);
                });
        ConsentSigner signer = new ConsentSigner(() -> versions);
        String oldKey = new ConsentSigner(List.of(OLD_SECRET)).sign(record());
        assertThatThrownBy(() -> signer.verify(record(), oldKey)).hasMessageContaining("unreachable");
        assertThat(signer.verify(record(), oldKey)).isTrue();
        assertThat(calls).hasValue(2);
    }
}
