package io.privacysuite.consent;

import java.util.Optional;

/** The registered sites. A site past its expiry (its account was cancelled) is gone for every reader. */
public interface SiteRegistry {
    Optional<Site> find(String siteId);

    /** Registers or replaces a site. */
    void put(Site site);
}
