package io.privacysuite.consent;

import java.time.Instant;
import java.util.List;

/**
 * A website registered by the operator. Sites of one company share a {@code siteGroup}, so a consent given
 * on one is honoured on the others (cross-domain consent).
 */
public record Site(
        String siteId,
        String name,
        String accountId,
        String siteGroup,
        List<String> allowedOrigins,
        String bannerVersion,
        int consentLifetimeMonths,
        Instant updatedAt) {

    public boolean allowsOrigin(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }
}
