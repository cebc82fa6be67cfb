package io.privacysuite.consent;

import java.time.Instant;

/**
 * A published version of the company's privacy policy: what changed, where to read it, from when it applies, and
 * whether the change is material (people are told 30 days ahead, and consents given before it applies are asked
 * again: they verify as {@code outdated_version} from {@link #effectiveAt}).
 */
public record PolicyVersion(String version, String summary, String link, Instant effectiveAt, boolean material,
                            Instant publishedAt, String publishedBy) {

    public boolean inEffect(Instant now) {
        return !effectiveAt.isAfter(now);
    }
}
