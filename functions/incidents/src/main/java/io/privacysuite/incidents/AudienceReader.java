package io.privacysuite.incidents;

import io.privacysuite.notify.NoticeCampaign;
import java.util.List;

/** Reads a page of a notice's audience from a cursor (a byte offset into a CSV, an index into inline addresses). */
public interface AudienceReader {
    /**
     * @param recipients the page's valid recipients (addresses the notifier can send to)
     * @param invalid    lines of the page that were not a sendable address (skipped, counted)
     * @param next       the cursor of the next page; {@code end} when the audience is exhausted
     */
    record Page(List<NoticeCampaign.Recipient> recipients, int invalid, long next, boolean end) {}

    Page read(NoticeCampaign.Audience audience, long cursor, int max);

    /** Whether the audience can be read at all (the CSV exists), before a campaign is started. */
    boolean exists(NoticeCampaign.Audience audience);
}
