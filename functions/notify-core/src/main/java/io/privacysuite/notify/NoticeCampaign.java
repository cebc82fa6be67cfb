package io.privacysuite.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A message on the notice fan-out queue: one page of a notice to many people (a breach notice, a policy change). The
 * fan-out reads {@code pageSize} recipients of {@link #audience} from {@link #cursor}, queues one {@link Notification}
 * each (its id fixed by campaign and address, so the notifier's send ledger sends it once whatever is redelivered),
 * then queues the next page. {@code run} names one launch of the campaign: page ids are {@code run:page}.
 *
 * @param campaign      the campaign (also the progress counters' key), e.g. {@code breach-<incident id>}
 * @param template      an {@link EmailTemplate}'s wire name
 * @param data          the template's values, the same for every recipient
 * @param defaultLocale for recipients whose language is not given or not one of the notifier's
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NoticeCampaign(String campaign, String run, String template, Map<String, String> data,
                             String defaultLocale, Audience audience, int page, long cursor) {
    public NoticeCampaign {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /**
     * Who receives it: {@code csv}, an object in the exports bucket (under {@code audiences/}) with one
     * {@code email[,locale]} per line (a first line starting with {@code email} is a header); or {@code addresses},
     * given inline (small audiences). The cursor is a byte offset into the CSV, or an index into the addresses.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Audience(String csvKey, List<Recipient> addresses) {
        public Audience {
            addresses = addresses == null ? null : List.copyOf(addresses);
        }
    }

    public record Recipient(String email, String locale) {}

    public NoticeCampaign next(long nextCursor) {
        return new NoticeCampaign(campaign, run, template, data, defaultLocale, audience, page + 1, nextCursor);
    }

    public String pageId() {
        return run + ":" + page;
    }
}
