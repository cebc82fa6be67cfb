package io.privacysuite.retention;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * AccountsTable's key formats: {@code pk = ACCOUNT#<id>}; {@code sk = PROFILE} (name, status, the card's last four
 * digits only), {@code INVOICE#<number>} (tax records), {@code SYS#<name>} (system-generated data).
 */
public final class AccountsTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String PROFILE_SK = "PROFILE";
    public static final String ACCOUNT_ID = "accountId";
    private static final String PK_PREFIX = "ACCOUNT#";
    private static final String INVOICE_PREFIX = "INVOICE#";

    private AccountsTable() {}

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
