package io.privacysuite.consent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.consent.PolicyVersion;
import io.privacysuite.consent.PolicyVersions;
import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.fixtures.MutableClock;
import io.privacysuite.notify.NoticeCampaign;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyPublisherTest {
    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    final MutableClock clock = new MutableClock(NOW);
    final List<PolicyVersion> stored = new ArrayList<>();
    final PolicyVersions versions = new PolicyVersions() {
        @Override
        public boolean publish(PolicyVersion version) {
            if (stored.stream().anyMatch(v -> v.version().equals(version.version()))) {
                return false;
            }
            return stored.add(version);
        }

        @Override
        public List<PolicyVersion> all() {
            return List.copyOf(stored);
        }
    };
    final List<NoticeCampaign> notices = new ArrayList<>();
    final PolicyPublisher publisher = new PolicyPublisher(versions, notices::add, clock);

    static String event(String version, String effectiveAt, boolean material, String audience) {
        return "{\"operator\":\"alice\",\"version\":\"" + version + "\",\"summary\":\"We now use a new payment provider.\","
                + "\"link\":\"https://example.com/privacy/" + version + "\",\"effectiveAt\":\"" + effectiveAt
                + "\",\"material\":" + material + (audience == null ? "" : ",\"audience\":" + audience) + "}";
    }

    @Test
    void shouldRefuseAMaterialChangeTakingEffectWithinThirtyDays() throws Exception {
        assertThatThrownBy(() -> publisher.publish(Json.read(event("2027-01", "2026-12-28", true, null))))
                .isInstanceOfSatisfying(DomainException.class, e -> {
                    assertThat(e.fieldErrors()).containsOnlyKeys("effectiveAt");
                    assertThat(e.fieldErrors().get("effectiveAt")).contains("30 days");
                });
        assertThat(stored).isEmpty();
        // Exactly thirty days ahead is in time; a non-material change may apply at once.
        publisher.publish(Json.read(event("2027-01", NOW.plus(Duration.ofDays(30)).toString(), true, null)));
        publisher.publish(Json.read(event("2026-11b", NOW.toString(), false, null)));
        assertThat(stored).extracting(PolicyVersion::version).containsExactly("2027-01", "2026-11b");
    }

    @Test
    void accountHoldersAndNewsletterSubscribers_shouldBeRunsOfOneCampaign_soSomeoneInBothIsMailedOnce() throws Exception {
        publisher.publish(Json.read(event("2027-03", "2027-01-15", true,
                "[{\"accounts\":\"all\"},{\"csv\":\"audiences/newsletter.csv\"}]")));

        assertThat(notices).hasSize(2);
        assertThat(notices).extracting(NoticeCampaign::campaign).containsOnly("policy-2027-03");
        assertThat(notices).extracting(NoticeCampaign::run).containsExactly("publish-0", "publish-1");
        assertThat(notices.get(0).audience().allAccounts()).isTrue();
        assertThat(notices.get(1).audience().csvKey()).isEqualTo("audiences/newsletter.csv");
        for (String bad : List.of("[]", "[{\"accounts\":\"all\"},{\"accounts\":\"some\"}]",
                "[{},{},{},{},{},{}]")) {
            assertThatThrownBy(() -> publisher.publish(Json.read(event("2027-04", "2027-01-15", true, bad))))
                    .as(bad).isInstanceOfSatisfying(DomainException.class,
                            e -> assertThat(e.fieldErrors()).containsOnlyKeys("audience"));
        }
        assertThat(stored).extracting(PolicyVersion::version).containsExactly("2027-03");
    }

    @Test
    void shouldQueueTheNoticeToTheAudience_andRefuseAVersionTwice() throws Exception {
        var out = publisher.publish(Json.read(event("2027-02", "2027-01-15", true,
                "{\"csv\":\"audiences/customers.csv\"}")));

        assertThat(out).containsEntry("campaign", "policy-2027-02");
        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.template()).isEqualTo("policy_change");
            assertThat(n.audience().csvKey()).isEqualTo("audiences/customers.csv");
            assertThat(n.data()).containsEntry("effectiveOn", "2027-01-15").containsEntry("materialChange", "true")
                    .containsEntry("link", "https://example.com/privacy/2027-02");
        });
        assertThatThrownBy(() -> publisher.publish(Json.read(event("2027-02", "2027-01-20", true, null))))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("version_exists"));
    }

    @Test
    void shouldNameEveryBadField() throws Exception {
        assertThatThrownBy(() -> publisher.publish(Json.read("{\"version\":\"../x\",\"link\":\"http://example.com\","
                + "\"effectiveAt\":\"soon\",\"summary\":\"a\\u0007b\",\"audience\":{\"csv\":\"exports/x.csv\"}}")))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.fieldErrors()).containsOnlyKeys(
                        "operator", "version", "summary", "link", "effectiveAt", "material", "audience"));
    }

    @Test
    void consentsGivenBeforeAMaterialChange_shouldBeOutdatedFromItsEffectiveDate_only() throws Exception {
        publisher.publish(Json.read(event("2027-03", "2027-01-15", true, null)));
        publisher.publish(Json.read(event("2026-12", "2026-12-01", false, null)));
        Instant given = Instant.parse("2026-12-10T00:00:00Z");

        assertThat(versions.materialChangeSince(given, Instant.parse("2027-01-14T23:59:59Z"))).isFalse();
        assertThat(versions.materialChangeSince(given, Instant.parse("2027-01-15T00:00:00Z"))).isTrue();
        assertThat(versions.materialChangeSince(Instant.parse("2027-01-16T00:00:00Z"),
                Instant.parse("2027-02-01T00:00:00Z"))).as("given under the new version").isFalse();
        assertThat(versions.current(Instant.parse("2027-01-01T00:00:00Z"))).map(PolicyVersion::version).hasValue("2026-12");
        assertThat(versions.upcoming(Instant.parse("2027-01-01T00:00:00Z"))).map(PolicyVersion::version).hasValue("2027-03");
    }
}
