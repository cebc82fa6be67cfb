package io.privacysuite.consent;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Consent versions in DynamoDB: {@code pk = CONSENT#<id>}, {@code sk = V#<zero-padded version>}, so a Query
 * returns a consent's history in order. The {@code bySiteDay} index ({@code <siteId>#<yyyy-MM-dd>},
 * {@code <recordedAt>#<id>#<version>}) serves date-range exports without a hot partition per site.
 * Versions are only ever put with a not-exists condition: nothing is overwritten.
 */
public final class ConsentStore {
    public static final String SITE_DAY_INDEX = "bySiteDay";
    private final DynamoDbClient dynamo;
    private final String table;

    public ConsentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Appends a version; false when that version already exists (a retry or a concurrent change). */
    public boolean append(ConsentRecord record) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(toItem(record))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Every stored version, oldest first, including ones past their TTL (callers decide what to serve). */
    public List<ConsentRecord> history(String consentId) {
        List<ConsentRecord> versions = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> exclusiveStart = startKey;
            QueryResponse page = dynamo.query(r -> r.tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk(consentId))))
                    .consistentRead(true)
                    .exclusiveStartKey(exclusiveStart));
            page.items().forEach(item -> versions.add(fromItem(item)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return versions;
    }

    public Optional<ConsentRecord> version(String consentId, int version) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(pk(consentId)), "sk", AttributeValue.fromS(sk(version))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    /** One page of a site's records on one UTC day, in time order. */
    public Page siteDay(String siteId, LocalDate day, Map<String, AttributeValue> startKey, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(SITE_DAY_INDEX)
                .keyConditionExpression("gsi1pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(siteId + "#" + day)))
                .limit(limit);
        if (startKey != null && !startKey.isEmpty()) {
            query.exclusiveStartKey(startKey);
        }
        QueryResponse response = dynamo.query(query.build());
        List<ConsentRecord> records = response.items().stream().map(ConsentStore::fromItem).toList();
        Map<String, AttributeValue> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey() : null;
        return new Page(records, next);
    }

    public record Page(List<ConsentRecord> records, Map<String, AttributeValue> nextKey) {}

    static String pk(String consentId) {
        return "CONSENT#" + consentId;
    }

    static String sk(int version) {
        return String.format("V#%06d", version);
    }

    public static Map<String, AttributeValue> toItem(ConsentRecord r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(pk(r.consentId())));
        item.put("sk", AttributeValue.fromS(sk(r.version())));
        item.put("gsi1pk", AttributeValue.fromS(r.siteId() + "#" + LocalDate.ofInstant(r.recordedAt(), ZoneOffset.UTC)));
        item.put("gsi1sk", AttributeValue.fromS(r.recordedAt() + "#" + r.consentId() + "#" + sk(r.version())));
        item.put("entity", AttributeValue.fromS("consent"));
        item.put("dataCategory", AttributeValue.fromS("end_user"));
        item.put("consentId", AttributeValue.fromS(r.consentId()));
        item.put("version", AttributeValue.fromN(Integer.toString(r.version())));
        item.put("siteId", AttributeValue.fromS(r.siteId()));
        item.put("siteGroup", AttributeValue.fromS(r.siteGroup()));
        item.put("preferences", AttributeValue.fromBool(r.categories().preferences()));
        item.put("statistics", AttributeValue.fromBool(r.categories().statistics()));
        item.put("marketing", AttributeValue.fromBool(r.categories().marketing()));
        item.put("method", AttributeValue.fromS(r.method().wire()));
        item.put("bannerVersion", AttributeValue.fromS(r.bannerVersion()));
        item.put("pageUrl", AttributeValue.fromS(r.pageUrl()));
        if (r.tcString() != null) {
            item.put("tcString", AttributeValue.fromS(r.tcString()));
        }
        if (r.ipAnonymized() != null) {
            item.put("ipAnonymized", AttributeValue.fromS(r.ipAnonymized()));
        }
        item.put("gpc", AttributeValue.fromBool(r.gpc()));
        item.put("recordedAt", AttributeValue.fromS(r.recordedAt().toString()));
        item.put("validUntil", AttributeValue.fromS(r.validUntil().toString()));
        item.put(RetentionPolicy.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(r.expiresAt().getEpochSecond())));
        item.put(RetentionPolicy.RULE_ATTRIBUTE, AttributeValue.fromS(r.retentionRule()));
        item.put("key", AttributeValue.fromS(r.key()));
        if (r.requestId() != null) {
            item.put("requestId", AttributeValue.fromS(r.requestId()));
            item.put("requestHash", AttributeValue.fromS(r.requestHash()));
        }
        return item;
    }

    public static ConsentRecord fromItem(Map<String, AttributeValue> item) {
        return new ConsentRecord(
                item.get("consentId").s(),
                Integer.parseInt(item.get("version").n()),
                item.get("siteId").s(),
                item.get("siteGroup").s(),
                new Categories(item.get("preferences").bool(), item.get("statistics").bool(), item.get("marketing").bool()),
                ConsentMethod.fromWire(item.get("method").s()),
                item.get("bannerVersion").s(),
                item.get("pageUrl").s(),
                optional(item, "tcString"),
                optional(item, "ipAnonymized"),
                item.get("gpc").bool(),
                Instant.parse(item.get("recordedAt").s()),
                Instant.parse(item.get("validUntil").s()),
                // A legal hold parks the TTL under another name; the record still carries its signed expiry.
                RetentionPolicy.expiryOf(item).orElseThrow(() -> new IllegalStateException("consent item without expiry")),
                optional(item, RetentionPolicy.RULE_ATTRIBUTE),
                item.get("key").s(),
                optional(item, "requestId"),
                optional(item, "requestHash"));
    }

    private static String optional(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
