package io.privacysuite.incidents;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Accounts' contact addresses in memory, in id order; an account mapped to null has none (erased, or not given). */
final class InMemoryAccountContacts implements AccountContacts {
    final TreeMap<String, String> accounts = new TreeMap<>();

    @Override
    public List<String> of(List<String> accountIds) {
        return accountIds.stream().map(accounts::get).toList();
    }

    @Override
    public Scan all(String after, int max) {
        Map<String, String> rest = after == null ? accounts : accounts.tailMap(after, false);
        List<String> emails = new ArrayList<>();
        int without = 0;
        String last = after;
        for (Map.Entry<String, String> e : rest.entrySet()) {
            if (emails.size() + without == max) {
                return new Scan(emails, without, last, false);
            }
            if (e.getValue() == null) {
                without++;
            } else {
                emails.add(e.getValue());
            }
            last = e.getKey();
        }
        return new Scan(emails, without, last, true);
    }
}
