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
        Instant updatedAt,
        Branding branding) {

    public Site {
        branding = branding == null ? Branding.NONE : branding;
    }

    /** A site without branding (its pages show the site name only). */
    public Site(String siteId, String name, String accountId, String siteGroup, List<String> allowedOrigins,
                String bannerVersion, int consentLifetimeMonths, Instant updatedAt) {
        this(siteId, name, accountId, siteGroup, allowedOrigins, bannerVersion, consentLifetimeMonths, updatedAt,
                Branding.NONE);
    }

    /** The name a person knows the company by: the branding's company name, else the site's name. */
    public String displayName() {
        return branding.company().orElse(name);
    }

    public boolean allowsOrigin(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }

    /**
     * Whether a (sanitized, absolute) page URL is on one of the site's registered origins: a consent recorded for
     * someone else's page proves nothing and lets a stranger fill the site's records with arbitrary URLs.
     */
    public boolean allowsPageUrl(String pageUrl) {
        try {
            java.net.URI uri = new java.net.URI(pageUrl);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return false;
            }
            String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
            String origin = scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT)
                    + (defaultPort ? "" : ":" + port);
            return allowedOrigins.stream().anyMatch(o -> o.equalsIgnoreCase(origin));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
