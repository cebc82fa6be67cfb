package io.privacysuite.incidents;

import java.util.List;

/**
 * The contact addresses of customer accounts (AccountsTable profiles), for notices. An account that is unknown,
 * erased (past its retention expiry) or holds no address has none.
 */
public interface AccountContacts {
    /** The address of each account, in order; null where the account has none. */
    List<String> of(List<String> accountIds);

    /**
     * Up to {@code max} account profiles after account {@code after} (null: from the first), in table order.
     *
     * @param emails  the addresses of the profiles read that have one
     * @param without profiles read that have none (erased meanwhile, or no address given)
     * @param last    the last account read: where the next page resumes
     * @param end     whether every account was read
     */
    record Scan(List<String> emails, int without, String last, boolean end) {}

    Scan all(String after, int max);
}
