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
        /** Inline audiences larger than this belong in a CSV (a console event and a queue message stay small). */
        public static final int MAX_INLINE = 1000;

        public Audience {
            addresses = addresses == null ? null : List.copyOf(addresses);
        }

        /**
         * An operator's {@code {"csv": "audiences/<file>.csv"}} or {@code {"addresses": ["a@x" | {"email", "locale"}]}};
         * null (with the reason added to {@code errors} under {@code audience}) for anything else.
         */
        public static Audience parse(com.fasterxml.jackson.databind.JsonNode node,
                                     io.privacysuite.core.errors.FieldErrors errors) {
            com.fasterxml.jackson.databind.JsonNode csv = node.path("csv");
            com.fasterxml.jackson.databind.JsonNode addresses = node.path("addresses");
            if (csv.isMissingNode() == addresses.isMissingNode()) {
                errors.add("audience", "give either {\"csv\": \"audiences/<file>.csv\"} (uploaded to the exports "
                        + "bucket) or {\"addresses\": [{\"email\": ..., \"locale\": ...}]}");
                return null;
            }
            if (!csv.isMissingNode()) {
                String key = csv.asText("");
                if (!key.matches("audiences/[A-Za-z0-9._/-]{1,200}") || key.contains("..") || key.contains("//")) {
                    errors.add("audience", "csv must be a key under audiences/ (letters, digits, . _ / -)");
                    return null;
                }
                return new Audience(key, null);
            }
            if (!addresses.isArray() || addresses.isEmpty() || addresses.size() > MAX_INLINE) {
                errors.add("audience", "addresses must be a list of 1.." + MAX_INLINE + " (upload a CSV for more)");
                return null;
            }
            List<Recipient> out = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode a : addresses) {
                String email = a.isTextual() ? a.asText() : a.path("email").asText("");
                String locale = a.path("locale").isTextual() ? a.path("locale").asText() : null;
                if (!EmailAddresses.isSendable(email)) {
                    errors.add("audience", "every address must be one the notifier can send to");
                    return null;
                }
                out.add(new Recipient(email, locale));
            }
            return new Audience(null, out);
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
