package io.privacysuite.incidents;

import io.privacysuite.notify.NoticeCampaign;
import java.util.List;

/**
 * Reads a page of a notice's audience from a cursor (a byte offset into a CSV, an index into inline addresses or
 * account ids; for all accounts a count and the last account read, {@code after}).
 */
public interface AudienceReader {
    /**
     * @param recipients the page's valid recipients (addresses the notifier can send to)
     * @param invalid    entries of the page that were not a sendable address (skipped, counted): CSV lines, accounts
     *                   unknown, erased or without an address
     * @param next       the cursor of the next page; {@code end} when the audience is exhausted
     * @param after      where a scan resumes (null for audiences read by offset alone)
     */
    record Page(List<NoticeCampaign.Recipient> recipients, int invalid, long next, boolean end, String after) {
        public Page(List<NoticeCampaign.Recipient> recipients, int invalid, long next, boolean end) {
            this(recipients, invalid, next, end, null);
        }
    }

    Page read(NoticeCampaign.Audience audience, long cursor, String after, int max);

    /** Whether the audience can be read at all (the CSV exists), before a campaign is started. */
    boolean exists(NoticeCampaign.Audience audience);
}
