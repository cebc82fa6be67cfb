package io.privacysuite.retention;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.consent.Site;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Writes sites and consents the way the consent functions do, and builds stream records like DynamoDB's. */
final class Fixtures {
    private static final AtomicLong SEQUENCE = new AtomicLong(1_000_000);
    private final DynamoDbClient dynamo;

    Fixtures(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    void site(String siteId, String accountId) {
        new DynamoDbSiteRegistry(dynamo, LocalDynamo.TABLES.sites(), LocalDynamo.POLICY, Clock.systemUTC()).put(new Site(siteId, siteId, accountId,
                accountId, List.of("https://" + siteId + ".example.com"), "1", 12, Instant.now()));
    }

    /** Appends a consent version through ConsentStore (the consent API's own write path) and returns the item. */
    Map<String, AttributeValue> consent(String siteId, String consentId, int version, Instant recordedAt,
                                        Instant expiresAt) {
        ConsentRecord record = ConsentRecord.builder().consentId(consentId).version(version).siteId(siteId)
                .siteGroup("group-" + siteId).categories(new Categories(true, false, version % 2 == 0))
                .method(ConsentMethod.CUSTOM).bannerVersion("1").pageUrl("https://" + siteId + ".example.com/")
                .ipAnonymized("192.0.2.0").recordedAt(recordedAt).validUntil(expiresAt).expiresAt(expiresAt)
                .retentionRule("end_user_12m").key("signed-key").build();
        new DynamoDbConsentStore(dynamo, LocalDynamo.TABLES.consents(), ConsentsTable.DEFAULT_SHARDS).append(record);
        return ConsentsTable.toItem(record, ConsentsTable.DEFAULT_SHARDS);
    }

    static Map<String, AttributeValue> consentKey(String consentId, int version) {
        return Map.of("pk", AttributeValue.fromS("CONSENT#" + consentId),
                "sk", AttributeValue.fromS(String.format("V#%06d", version)));
    }

    /** What DynamoDB's TTL does: deletes the item; returns the REMOVE record its stream carries. */
    DynamodbEvent.DynamodbStreamRecord ttlDelete(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> old = dynamo.deleteItem(d -> d.tableName(table).key(key)
                .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_OLD)).attributes();
        return removeRecord(table, old, true);
    }

    static DynamodbEvent.DynamodbStreamRecord removeRecord(String table, Map<String, AttributeValue> oldImage,
                                                           boolean byTtl) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventName("REMOVE");
        record.setEventSource("aws:dynamodb");
        record.setEventSourceARN("arn:aws:dynamodb:ddblocal:000000000000:table/" + table + "/stream/2026-11-22T00:00:00.000");
        if (byTtl) {
            record.setUserIdentity(new Identity().withType("Service").withPrincipalId("dynamodb.amazonaws.com"));
        }
        StreamRecord stream = new StreamRecord();
        stream.setSequenceNumber(Long.toString(SEQUENCE.incrementAndGet()));
        stream.setApproximateCreationDateTime(new Date(Instant.parse("2026-11-22T12:00:00Z").toEpochMilli()));
        stream.setOldImage(toEvents(oldImage));
        stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.NEW_AND_OLD_IMAGES);
        record.setDynamodb(stream);
        return record;
    }

    static DynamodbEvent event(List<DynamodbEvent.DynamodbStreamRecord> records) {
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(new ArrayList<>(records));
        return event;
    }

    static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> toEvents(
            Map<String, AttributeValue> image) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> out = new HashMap<>();
        image.forEach((k, v) -> out.put(k, toEvents(v)));
        return out;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue toEvents(AttributeValue v) {
        var out = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        if (v.s() != null) {
            out.setS(v.s());
        } else if (v.n() != null) {
            out.setN(v.n());
        } else if (v.bool() != null) {
            out.setBOOL(v.bool());
        } else if (v.hasL()) {
            out.setL(v.l().stream().map(Fixtures::toEvents).toList());
        } else if (v.hasM()) {
            out.setM(toEvents(v.m()));
        } else if (v.hasSs()) {
            out.setSS(v.ss());
        } else {
            out.setNULL(true);
        }
        return out;
    }
}
