package io.privacysuite.requests.api;

import io.privacysuite.requests.RequestStore;
import java.time.Duration;
import java.time.Instant;

/**
 * Fixed-window intake limits: per address, mailbox, IP and IPv6 /64. The counters are written by the request store in
 * the transaction that stores the request ({@link RequestStore.Counter}), so concurrent containers never exceed a limit
 * and a refused request leaves nothing behind. Counters hold hashes only.
 */
public final class RateLimiter {
    private final Duration window;

    public RateLimiter(Duration window) {
        this.window = window;
    }

    /** One counter of this window, to be written with the request. */
    public RequestStore.Counter hit(String scope, String keyHash, int limit, Instant now) {
        return new RequestStore.Counter(scope, keyHash, windowStart(now), limit);
    }

    /**
     * The /64 an IPv6 client address belongs to (one subscriber usually holds a whole /64, so counting single
     * addresses would let them rotate freely); empty for IPv4 and anything that is not an IP literal.
     */
    static java.util.Optional<String> ipv6Network(String ip) {
        try {
            java.net.InetAddress address = java.net.InetAddress.ofLiteral(ip.strip());
            if (!(address instanceof java.net.Inet6Address)) {
                return java.util.Optional.empty();
            }
            byte[] bytes = address.getAddress();
            return java.util.Optional.of(java.util.HexFormat.of().formatHex(bytes, 0, 8) + "/64");
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** Seconds until the current window ends (the Retry-After of a refused request). */
    public long retryAfter(Instant now) {
        return Math.max(1, windowStart(now) + window.toSeconds() - now.getEpochSecond());
    }

    private long windowStart(Instant now) {
        long windowSeconds = window.toSeconds();
        return now.getEpochSecond() / windowSeconds * windowSeconds;
    }
}
