package io.privacysuite.requests;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Data subject requests and their audit trails, one record each, every write conditional on the version read
 * (optimistic concurrency). A record past its TTL counts as gone. The processor takes a request's lease before it works
 * on it, so two deliveries of one request never run at once.
 */
public interface RequestStore {
    /** Thrown when a conditional write lost a race; the caller reloads and decides again. */
    final class ConcurrentChangeException extends RuntimeException {
        public ConcurrentChangeException() {
            super("request changed concurrently", null, false, false);
        }
    }

    /** Thrown when one of the counters written with a new request had reached its limit: nothing was written. */
    final class CounterFullException extends RuntimeException {
        private final int index;

        public CounterFullException(int index) {
            super("counter " + index + " is full", null, false, false);
            this.index = index;
        }

        /** Which of the counters reached its limit (0-based). */
        public int index() {
            return index;
        }
    }

    /**
     * An intake counter written with a new request: {@code scope} (address, mailbox, IP, network), the hash of what is
     * counted, the start of its fixed window (epoch seconds) and the limit per window.
     */
    record Counter(String scope, String keyHash, long windowStart, int limit) {}

    /** Stores a new request (version 1); never overwrites. */
    default DsarRequest create(DsarRequest request, Instant now) {
        return create(request, now, List.of());
    }

    /**
     * Stores a new request and increments its intake counters, all or nothing: {@link CounterFullException} when a
     * counter had reached its limit, {@link ConcurrentChangeException} when the request id exists.
     */
    DsarRequest create(DsarRequest request, Instant now, List<Counter> counters);

    /**
     * Takes back a request just created with {@link #create(DsarRequest, Instant, List)} whose verification email could
     * not be queued, with the counts it added, all or nothing: nothing is left that no link can ever reach, and the
     * person's retry is not counted against them. A request changed since (version above 1) stays.
     */
    void discardNew(String requestId, List<Counter> counters);

    /** Replaces a request if nobody changed it since {@code changed.version()} was read; returns the stored copy. */
    DsarRequest update(DsarRequest changed, Instant now);

    /** The request, unless absent, malformed (not a UUID: no read) or past its TTL. */
    Optional<DsarRequest> find(String requestId, Instant now);

    /**
     * Takes the processing lease of a request until {@code until}, unless another holder's lease is still running:
     * empty when taken, else the instant the current holder's lease ends.
     */
    Optional<Instant> acquireLease(String requestId, String owner, Instant until, Instant now);

    /** Gives the lease back (only the holder's own; a lease that ran out and was taken stays with its taker). */
    void releaseLease(String requestId, String owner);

    /** Every open (verified, not closed) request with a due date before {@code dueBefore}, earliest first. */
    void forEachOpen(Instant dueBefore, Instant now, Consumer<DsarRequest> action);
}
