package io.privacysuite.incidents;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.retention.RetentionStamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The breach register in DynamoDB: each change is one transaction that replaces the incident (conditional on the
 * version it was read at) and puts the audit entry (conditional on its absence), so the trail never misses a change
 * and a change never happens without its entry. Expired items (past the register's retention) are never served.
 */
public final class DynamoDbIncidentStore implements IncidentStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;
    private final java.time.Clock clock;

    public DynamoDbIncidentStore(DynamoDbClient dynamo, String table, RetentionPolicy retention, java.time.Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    private RetentionStamp stamp(Incident incident) {
        // Counted from the opening, so every item of one incident expires together.
        return retention.stampFor(DataCategory.BREACH_RECORD, incident.openedAt());
    }

    @Override
    public boolean create(Incident incident, Incident.Change opened) {
        return write(incident, opened, "attribute_not_exists(#pk)", Map.of());
    }

    @Override
    public boolean update(Incident changed, Incident.Change change) {
        return write(changed, change, "#version = :expected",
                Map.of(":expected", AttributeValue.fromN(Long.toString(changed.version() - 1))));
    }

    private boolean write(Incident incident, Incident.Change change, String condition,
                          Map<String, AttributeValue> values) {
        RetentionStamp stamp = stamp(incident);
        Map<String, String> names = condition.contains("#version")
                ? Map.of("#version", IncidentsTable.VERSION) : Map.of("#pk", IncidentsTable.PK);
        try {
            dynamo.transactWriteItems(t -> t.transactItems(
                    i -> i.put(p -> {
                        p.tableName(table).item(IncidentsTable.item(incident, stamp)).conditionExpression(condition)
                                .expressionAttributeNames(names);
                        if (!values.isEmpty()) {
                            p.expressionAttributeValues(values);
                        }
                    }),
                    i -> i.put(p -> p.tableName(table)
                            .item(IncidentsTable.auditItem(incident.incidentId(), incident.version(), change, stamp))
                            .conditionExpression("attribute_not_exists(#pk)")
                            .expressionAttributeNames(Map.of("#pk", IncidentsTable.PK)))));
            return true;
        } catch (TransactionCanceledException | ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Incident> find(String incidentId) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).key(IncidentsTable.key(incidentId))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || RetentionPolicy.isExpired(item, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(IncidentsTable.incident(item));
    }

    @Override
    public List<Incident.Change> trail(String incidentId) {
        List<Incident.Change> out = new ArrayList<>();
        dynamo.queryPaginator(q -> q.tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :audit)")
                        .expressionAttributeNames(Map.of("#pk", IncidentsTable.PK, "#sk", IncidentsTable.SK))
                        .expressionAttributeValues(Map.of(":pk", IncidentsTable.partition(incidentId),
                                ":audit", AttributeValue.fromS(IncidentsTable.auditPrefix()))))
                .items().forEach(item -> {
                    if (!RetentionPolicy.isExpired(item, clock.instant())) {
                        out.add(IncidentsTable.change(item));
                    }
                });
        return out;
    }

    @Override
    public List<Incident> all() {
        List<Incident> out = new ArrayList<>();
        dynamo.scanPaginator(s -> s.tableName(table).consistentRead(true)).items().forEach(item -> {
            if (IncidentsTable.isIncident(item) && !RetentionPolicy.isExpired(item, clock.instant())) {
                out.add(IncidentsTable.incident(item));
            }
        });
        out.sort(java.util.Comparator.comparing(i -> i.details().awareAt()));
        return out;
    }
}
