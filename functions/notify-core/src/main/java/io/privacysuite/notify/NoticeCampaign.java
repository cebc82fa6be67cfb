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
 * @param after         where a table scan resumes (all accounts: the last account read); null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NoticeCampaign(String campaign, String run, String template, Map<String, String> data,
                             String defaultLocale, Audience audience, int page, long cursor, String after) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public NoticeCampaign {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** Page {@code page} of a campaign whose audience is read by an offset alone. */
    public NoticeCampaign(String campaign, String run, String template, Map<String, String> data,
                          String defaultLocale, Audience audience, int page, long cursor) {
        this(campaign, run, template, data, defaultLocale, audience, page, cursor, null);
    }

    /**
     * Who receives it: {@code csv}, an object in the exports bucket (under {@code audiences/}) with one
     * {@code email[,locale]} per line (a first line starting with {@code email} is a header); or {@code addresses},
     * given inline (small audiences); or the contact addresses of customer accounts, {@code allAccounts} or the
     * {@code accountIds} given. The cursor is a byte offset into the CSV, an index into the addresses or account ids,
     * or the number of accounts read (with {@link NoticeCampaign#after} the last one).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Audience(String csvKey, List<Recipient> addresses, List<String> accountIds, Boolean allAccounts) {
        /** Inline audiences larger than this belong in a CSV (a console event and a queue message stay small). */
        public static final int MAX_INLINE = 1000;

        @com.fasterxml.jackson.annotation.JsonCreator
        public Audience {
            addresses = addresses == null ? null : List.copyOf(addresses);
            accountIds = accountIds == null ? null : List.copyOf(accountIds);
            allAccounts = Boolean.TRUE.equals(allAccounts) ? Boolean.TRUE : null;
        }

        public Audience(String csvKey, List<Recipient> addresses) {
            this(csvKey, addresses, null, null);
        }

        /** The audience in a few words, for an audit trail: no address, no account id. */
        public String describe() {
            if (csvKey != null) {
                return "csv " + csvKey;
            }
            if (addresses != null) {
                return addresses.size() + " address(es) given inline";
            }
            return allAccounts != null ? "all accounts" : accountIds.size() + " account(s) by id";
        }

        /** Whether the audience is customer accounts (all, or by id). */
        public boolean accounts() {
            return accountIds != null || allAccounts != null;
        }

        /**
         * An operator's {@code {"csv": "audiences/<file>.csv"}}, {@code {"addresses": ["a@x" | {"email", "locale"}]}},
         * {@code {"accounts": "all"}} or {@code {"accounts": ["<account id>", ...]}}; null (with the reason added to
         * {@code errors} under {@code audience}) for anything else.
         */
        public static Audience parse(com.fasterxml.jackson.databind.JsonNode node,
                                     io.privacysuite.core.errors.FieldErrors errors) {
            com.fasterxml.jackson.databind.JsonNode csv = node.path("csv");
            com.fasterxml.jackson.databind.JsonNode addresses = node.path("addresses");
            com.fasterxml.jackson.databind.JsonNode accounts = node.path("accounts");
            int given = (csv.isMissingNode() ? 0 : 1) + (addresses.isMissingNode() ? 0 : 1)
                    + (accounts.isMissingNode() ? 0 : 1);
            if (given != 1) {
                errors.add("audience", "give either {\"csv\": \"audiences/<file>.csv\"} (uploaded to the exports "
                        + "bucket), {\"addresses\": [{\"email\": ..., \"locale\": ...}]} or {\"accounts\": \"all\" | "
                        + "[\"<account id>\", ...]}");
                return null;
            }
            if (!accounts.isMissingNode()) {
                return accounts(accounts, errors);
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

        private static Audience accounts(com.fasterxml.jackson.databind.JsonNode accounts,
                                         io.privacysuite.core.errors.FieldErrors errors) {
            if (accounts.isTextual() && accounts.asText().equals("all")) {
                return new Audience(null, null, null, true);
            }
            if (!accounts.isArray() || accounts.isEmpty() || accounts.size() > MAX_INLINE) {
                errors.add("audience", "accounts must be \"all\" or a list of 1.." + MAX_INLINE + " account ids");
                return null;
            }
            List<String> ids = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode id : accounts) {
                if (!id.isTextual() || !io.privacysuite.core.accounts.AccountsTable.isAccountId(id.asText())) {
                    errors.add("audience", "every account id must be 1-64 letters, digits, dot, dash or underscore");
                    return null;
                }
                ids.add(id.asText());
            }
            return new Audience(null, null, ids, null);
        }
    }

    public record Recipient(String email, String locale) {}

    public NoticeCampaign next(long nextCursor, String nextAfter) {
        return new NoticeCampaign(campaign, run, template, data, defaultLocale, audience, page + 1, nextCursor,
                nextAfter);
    }

    public String pageId() {
        return run + ":" + page;
    }
}
