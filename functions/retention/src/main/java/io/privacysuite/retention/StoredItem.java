package io.privacysuite.retention;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.SitesTable;
import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A full item image of an erasable table: what the engine decides on, never what it logs. */
public record StoredItem(Source source, Map<String, AttributeValue> image) {

    public Map<String, AttributeValue> key() {
        return source.keyOf(image);
    }

    public String canonicalKey() {
        return source.logicalName() + "/" + source.canonicalKey(image);
    }

    public DataCategory category() {
        AttributeValue v = image.get(RetentionPolicy.CATEGORY_ATTRIBUTE);
        if (v != null && v.s() != null) {
            return DataCategory.fromWire(v.s());
        }
        // Items written before categories were stamped: the table says what they are.
        return switch (source) {
            case CONSENTS -> DataCategory.END_USER;
            case SITES -> DataCategory.CONFIGURATION;
            case ACCOUNTS -> DataCategory.ACCOUNT;
        };
    }

    /** The live TTL or, while a legal hold parks it, the parked one. */
    public Optional<Instant> expiry() {
        return RetentionPolicy.expiryOf(image);
    }

    public boolean isParked() {
        return image.containsKey(RetentionPolicy.HELD_TTL_ATTRIBUTE);
    }

    public Optional<String> rule() {
        return text(RetentionPolicy.RULE_ATTRIBUTE);
    }

    public Optional<String> text(String name) {
        AttributeValue v = image.get(name);
        return v == null || v.s() == null ? Optional.empty() : Optional.of(v.s());
    }

    /** The account whose items these are, where the item itself says so. */
    public Optional<String> ownAccountId() {
        return switch (source) {
            case ACCOUNTS -> text(AccountsTable.PK).map(AccountsTable::accountIdOf);
            case SITES -> text(SitesTable.ACCOUNT_ID);
            case CONSENTS -> text(SitesTable.ACCOUNT_ID);
        };
    }

    /** The data subject the item is about: for consents the consent id (the visitor's only identity here). */
    public Optional<String> subjectId() {
        return source == Source.CONSENTS ? text(ConsentsTable.CONSENT_ID) : Optional.empty();
    }

    public boolean isConsentVersion() {
        return source == Source.CONSENTS && text(ConsentsTable.SK).map(ConsentsTable::isVersion).orElse(false);
    }
}
