package io.privacysuite.fulfilment;

import java.time.Instant;
import java.util.List;

/**
 * One data source of the data map. Every operation is idempotent (a redelivered request runs it again) and throws
 * {@link SourceFailedException} when the source cannot answer; the processor retries, then escalates.
 */
public interface Connector {
    DataMap.Source source();

    /**
     * Subject ids the verified address owns according to this source (e.g. a customer-accounts table resolving the
     * address to account ids), searched by every {@code by: subjectId} source. Only sources found by the address
     * resolve; the default resolves nothing.
     */
    default List<String> resolveSubjectIds(Subject subject, Instant now) {
        return List.of();
    }

    /** Everything held about the person (access, portability). */
    SourceOutcome collect(Subject subject, Instant now);

    /** Deletes, anonymizes or retains-and-restricts per the source's erasure rule. */
    SourceOutcome erase(Subject subject, Instant now);

    /** Applies {@link Subject#changes()} where the source allows; the rest is reported as not applied. */
    SourceOutcome rectify(Subject subject, Instant now);

    /** Marks the person's records: {@code restrict} (Art. 18) or {@code object} (Art. 21, direct marketing). */
    SourceOutcome flag(Subject subject, String flag, Instant now);

    final class SourceFailedException extends RuntimeException {
        public SourceFailedException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
