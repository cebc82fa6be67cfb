package io.privacysuite.retention;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.core.Env;

/**
 * The physical names of the tables the retention engine reads and erases, as the template sets them, and the number
 * of shards of the consents' site-day index.
 */
public record Tables(String consents, String sites, String accounts, String receipts, String holds, int consentShards) {

    public static Tables from(Env env) {
        return new Tables(env.require("CONSENTS_TABLE"), env.require("SITES_TABLE"), env.require("ACCOUNTS_TABLE"),
                env.require("DELETION_RECEIPTS_TABLE"), env.require("LEGAL_HOLDS_TABLE"), ConsentsTable.shards(env));
    }

    public String physical(Source source) {
        return switch (source) {
            case CONSENTS -> consents;
            case SITES -> sites;
            case ACCOUNTS -> accounts;
        };
    }

    /** Which of the erasable tables a stream ARN or table name belongs to. */
    public Source sourceOf(String tableNameOrStreamArn) {
        String name = tableNameOrStreamArn;
        int at = name.indexOf(":table/");
        if (at >= 0) {
            name = name.substring(at + ":table/".length());
            int slash = name.indexOf('/');
            name = slash >= 0 ? name.substring(0, slash) : name;
        }
        if (name.equals(consents)) {
            return Source.CONSENTS;
        }
        if (name.equals(sites)) {
            return Source.SITES;
        }
        if (name.equals(accounts)) {
            return Source.ACCOUNTS;
        }
        throw new IllegalArgumentException("not a table the retention engine erases: " + name);
    }
}
