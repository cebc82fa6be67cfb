package io.privacysuite.core.accounts;

import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * AccountsTable's key formats: {@code pk = ACCOUNT#<id>}; {@code sk = PROFILE} (name, status, the card's last four
 * digits only, an optional contact {@code email}), {@code INVOICE#<number>} (tax records), {@code SYS#<name>}
 * (system-generated data). Written by the retention module's account lifecycle; the notice fan-out reads contacts.
 */
public final class AccountsTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String PROFILE_SK = "PROFILE";
    public static final String ACCOUNT_ID = "accountId";
    /** The account's contact address on its profile (account data: erased with the profile). */
    public static final String EMAIL = "email";
    public static final String STATUS = "status";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String PK_PREFIX = "ACCOUNT#";
    private static final String INVOICE_PREFIX = "INVOICE#";

    private AccountsTable() {}

    /** Whether {@code accountId} is one an account can have: 1-64 letters, digits, dot, dash or underscore. */
    public static boolean isAccountId(String accountId) {
        return accountId != null && ID.matcher(accountId).matches();
    }

    public static String pk(String accountId) {
        return PK_PREFIX + accountId;
    }

    /** The account id a partition key names. */
    public static String accountIdOf(String pk) {
        return pk.substring(PK_PREFIX.length());
    }

    public static Map<String, AttributeValue> key(String accountId, String sk) {
        return Map.of(PK, AttributeValue.fromS(pk(accountId)), SK, AttributeValue.fromS(sk));
    }

    public static String invoiceSk(String invoiceNumber) {
        return INVOICE_PREFIX + invoiceNumber;
    }
}
