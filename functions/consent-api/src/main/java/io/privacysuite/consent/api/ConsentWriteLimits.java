package io.privacysuite.consent.api;

import io.privacysuite.consent.IpAnonymizer;
import io.privacysuite.core.Env;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.limits.DynamoDbSharedCounter;
import io.privacysuite.core.limits.WriteLimits;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Per-site and per-client limits on consent writes (record, change, withdraw), so one client cannot exhaust a site's
 * share of the API, nor one site the stage-wide throttle that all tenants share. A client is its anonymized address
 * (IPv4 /24, IPv6 /48), the same prefix the consent record keeps. See {@link WriteLimits} for how they hold across
 * Lambda containers.
 */
public final class ConsentWriteLimits {
    static final int DEFAULT_PER_SITE = 3000;
    static final int DEFAULT_PER_CLIENT = 120;
    /** Writes per client, window and container that need no shared counter write (a visitor's few clicks). */
    static final int FREE_PER_CLIENT = 20;

    private final WriteLimits limits;
    private final WriteLimits.Rule perSite;
    private final WriteLimits.Rule perClient;

    public ConsentWriteLimits(WriteLimits limits, long perSiteMinute, long perClientMinute) {
        this.limits = limits;
        this.perSite = WriteLimits.Rule.of("site", perSiteMinute, 0);
        this.perClient = WriteLimits.Rule.of("client", perClientMinute, FREE_PER_CLIENT);
    }

    /** {@code RATE_LIMITS_TABLE}, {@code CONSENT_LIMIT_PER_SITE_PER_MINUTE}, {@code CONSENT_LIMIT_PER_CLIENT_PER_MINUTE}. */
    public static ConsentWriteLimits from(Env env, DynamoDbClient dynamo, Clock clock) {
        return new ConsentWriteLimits(new WriteLimits(new DynamoDbSharedCounter(dynamo, env.require("RATE_LIMITS_TABLE")),
                clock), env.getInt("CONSENT_LIMIT_PER_SITE_PER_MINUTE", DEFAULT_PER_SITE),
                env.getInt("CONSENT_LIMIT_PER_CLIENT_PER_MINUTE", DEFAULT_PER_CLIENT));
    }

    /** No limits (tests and tools that build a handler around a service of their own). */
    public static ConsentWriteLimits none() {
        return new ConsentWriteLimits(null, 1, 1);
    }

    /** 429 with {@code retry-after} when the client's or the site's budget for this minute is spent. */
    public void check(String siteId, String sourceIp) {
        if (limits == null) {
            return;
        }
        String prefix = IpAnonymizer.anonymize(sourceIp);
        WriteLimits.Decision client = limits.acquire(perClient, prefix == null ? "unknown" : prefix);
        if (!client.allowed()) {
            throw DomainException.limited(client.retryAfterSeconds());
        }
        WriteLimits.Decision site = limits.acquire(perSite, siteId);
        if (!site.allowed()) {
            throw DomainException.limited(site.retryAfterSeconds());
        }
    }
}
