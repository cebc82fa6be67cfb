package io.privacysuite.retention;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.RetentionPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * An in-process DynamoDB Local (the real engine, called through the real SDK client) with every table of
 * template.yaml created under its logical id, so these tests exercise the same keys and indexes as the stack.
 */
final class LocalDynamo implements AutoCloseable {
    /** The default policy, for writes the tests make themselves (sites, consents). */
    static final RetentionPolicy POLICY = new RetentionPolicy(12);
    static final Tables TABLES = new Tables("ConsentsTable", "SitesTable", "AccountsTable", "DeletionReceiptsTable",
            "LegalHoldsTable", ConsentsTable.DEFAULT_SHARDS);
    private final AmazonDynamoDBLocal local;
    final DynamoDbClient dynamo;

    LocalDynamo() {
        this.local = DynamoDBEmbedded.create(true);
        this.dynamo = local.dynamoDbClient();
        createTablesFromTemplate(dynamo);
    }

    RetentionServices services(RetentionPolicy policy, Clock clock) {
        return RetentionServices.of(dynamo, TABLES, policy, clock);
    }

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** Creates every AWS::DynamoDB::Table of template.yaml, named by its logical id, with streams and TTL. */
    static void createTablesFromTemplate(DynamoDbClient dynamo) {
        JsonNode template;
        try {
            // Short-form tags (!Ref, !GetAtt) are read as their plain scalar values; tables need none of them. A
            // list item under !If (the legacy index a parameter keeps for an upgrade) reads as a list: skipped,
            // as the parameter's default does.
            template = new ObjectMapper(new YAMLFactory()).readTree(repoRoot().resolve("template.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        template.path("Resources").fields().forEachRemaining(entry -> {
            JsonNode resource = entry.getValue();
            if (!"AWS::DynamoDB::Table".equals(resource.path("Type").asText())) {
                return;
            }
            JsonNode p = resource.path("Properties");
            CreateTableRequest.Builder create = CreateTableRequest.builder().tableName(entry.getKey())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(list(p.path("AttributeDefinitions"), a -> AttributeDefinition.builder()
                            .attributeName(a.path("AttributeName").asText())
                            .attributeType(a.path("AttributeType").asText()).build()))
                    .keySchema(keys(p.path("KeySchema")));
            if (p.has("GlobalSecondaryIndexes")) {
                create.globalSecondaryIndexes(list(p.path("GlobalSecondaryIndexes"), g -> GlobalSecondaryIndex.builder()
                        .indexName(g.path("IndexName").asText()).keySchema(keys(g.path("KeySchema")))
                        .projection(Projection.builder().projectionType(g.path("Projection").path("ProjectionType").asText())
                                .build()).build()));
            }
            if (p.has("StreamSpecification")) {
                create.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                        .streamViewType(p.path("StreamSpecification").path("StreamViewType").asText()).build());
            }
            // No TTL here: these tests run the services on fixed clocks and hand them TTL-shaped stream records, while
            // DynamoDB Local's TTL worker runs on the real clock and would delete fixtures dated in the past mid-test.
            // RetentionIT covers the real TTL path.
            dynamo.createTable(create.build());
        });
    }

    private static List<KeySchemaElement> keys(JsonNode schema) {
        return list(schema, k -> KeySchemaElement.builder().attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText()).build());
    }

    private static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> map) {
        List<T> out = new ArrayList<>();
        array.forEach(n -> {
            if (n.isObject()) {
                out.add(map.apply(n));
            }
        });
        return out;
    }

    List<Map<String, AttributeValue>> scan(String table) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusive = start;
            ScanResponse page = dynamo.scan(s -> s.tableName(table).exclusiveStartKey(exclusive));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    Map<String, AttributeValue> get(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).key(key).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : new HashMap<>(item);
    }

    @Override
    public void close() {
        local.shutdown();
    }
}
