package io.privacysuite.retention;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** One TTL deletion seen in a table's stream: where, which stream position, the item as it was, and when. */
public record TtlDeletion(Source source, String sequenceNumber, Map<String, AttributeValue> oldImage, Instant deletedAt) {
    public StoredItem item() {
        return new StoredItem(source, oldImage);
    }
}
