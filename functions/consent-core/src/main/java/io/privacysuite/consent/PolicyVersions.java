package io.privacysuite.consent;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The privacy policy's published versions ({@link PolicyVersionsTable}). */
public interface PolicyVersions {
    /** Stores a new version; false when that version was published before. */
    boolean publish(PolicyVersion version);

    /** Every published version, in order of taking effect. */
    List<PolicyVersion> all();

    /** The version in effect at {@code now} (the latest to have taken effect). */
    default Optional<PolicyVersion> current(Instant now) {
        return all().stream().filter(v -> v.inEffect(now)).max(Comparator.comparing(PolicyVersion::effectiveAt)
                .thenComparing(PolicyVersion::publishedAt));
    }

    /** The next version to take effect after {@code now}, if one is published. */
    default Optional<PolicyVersion> upcoming(Instant now) {
        return all().stream().filter(v -> !v.inEffect(now)).min(Comparator.comparing(PolicyVersion::effectiveAt));
    }

    /**
     * Whether a material change took effect after {@code givenAt} and by {@code now}: a consent given at {@code givenAt}
     * was given under an older policy and must be asked again.
     */
    default boolean materialChangeSince(Instant givenAt, Instant now) {
        return all().stream().anyMatch(v -> v.material() && v.effectiveAt().isAfter(givenAt) && v.inEffect(now));
    }

    /** No versions published: nothing ever makes a consent outdated. */
    PolicyVersions NONE = new PolicyVersions() {
        @Override
        public boolean publish(PolicyVersion version) {
            throw new UnsupportedOperationException("no policy store configured");
        }

        @Override
        public List<PolicyVersion> all() {
            return List.of();
        }
    };
}
