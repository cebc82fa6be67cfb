package io.privacysuite.local.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.LocalSuiteOptions;
import io.privacysuite.local.TestEmulators;
import io.privacysuite.local.TestHandlers;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

class DynamoDbStreamPollerTest {
    private static final String TEMPLATE = """
            Resources:
              Retention:
                Type: AWS::DynamoDB::Table
                Properties:
                  BillingMode: PAY_PER_REQUEST
                  AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
                  KeySchema: [{AttributeName: pk, KeyType: HASH}]
                  TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
                  StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
              Failures:
                Type: AWS::SQS::Queue
              Consumer:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.RegisteredInTheTest::handleRequest
                  Events:
                    Changes:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt Retention.StreamArn
                        StartingPosition: TRIM_HORIZON
                        BatchSize: 10
                        FilterCriteria:
                          Filters:
                            - Pattern: '%s'
                        FunctionResponseTypes: [ReportBatchItemFailures]
                        MaximumRetryAttempts: 1
                        BisectBatchOnFunctionError: true
                        DestinationConfig:
                          OnFailure:
                            Destination: !GetAtt Failures.Arn
            """;
    private static final String TTL_DELETES_ONLY = "{\"userIdentity\":{\"type\":[\"Service\"],\"principalId\":[\"dynamodb.amazonaws.com\"]}}";
    private static final String INSERTS_ONLY = "{\"eventName\":[\"INSERT\"]}";

    @Test
    void shouldDeliverTtlDeletionsThroughTheFilter_andDeleteTheExpiredItemForReal() {
        TestHandlers.Stream handler = new TestHandlers.Stream();
        try (LocalSuite stack = stack("t-ttl-", TTL_DELETES_ONLY, handler)) {
            DynamoDbClient dynamo = stack.awsClients().dynamoDb();
            String table = stack.resources().tableName("Retention");
            long now = Instant.now().getEpochSecond();
            dynamo.putItem(b -> b.tableName(table).item(item("expired", now - 60)));
            dynamo.putItem(b -> b.tableName(table).item(item("live", now + 3_600)));
            dynamo.putItem(b -> b.tableName(table).item(item("manual", now + 3_600)));
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("manual"))));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !handler.received.isEmpty());

            assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("expired")))).hasItem())
                    .as("TTL really deleted the item").isFalse();
            assertThat(dynamo.getItem(b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("live")))).hasItem()).isTrue();
            DynamodbEvent.DynamodbStreamRecord record = handler.received.get(0);
            assertThat(record.getEventName()).isEqualTo("REMOVE");
            assertThat(record.getEventSource()).isEqualTo("aws:dynamodb");
            assertThat(record.getEventSourceARN()).isEqualTo(stack.resources().streamArn("Retention").orElseThrow());
            assertThat(record.getUserIdentity().getType()).isEqualTo("Service");
            assertThat(record.getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
            assertThat(record.getDynamodb().getKeys().get("pk").getS()).isEqualTo("expired");
            assertThat(record.getDynamodb().getOldImage().get("expiresAt").getN()).isEqualTo(String.valueOf(now - 60));
            assertThat(record.getDynamodb().getStreamViewType()).isEqualTo("NEW_AND_OLD_IMAGES");
            assertThat(record.getDynamodb().getApproximateCreationDateTime()).isNotNull();
            // The inserts and the client's own delete never reached the function.
            assertThat(handler.received).extracting(r -> r.getDynamodb().getKeys().get("pk").getS()).containsExactly("expired");
        }
    }

    @Test
    void shouldRetryFromTheFailedRecordThenSendAFailureRecordToTheOnFailureQueue() {
        TestHandlers.Stream handler = new TestHandlers.Stream();
        handler.failOnPrefix.add("fail");
        try (LocalSuite stack = stack("t-stream-fail-", INSERTS_ONLY, handler)) {
            DynamoDbClient dynamo = stack.awsClients().dynamoDb();
            String table = stack.resources().tableName("Retention");
            long later = Instant.now().getEpochSecond() + 3_600;
            dynamo.putItem(b -> b.tableName(table).item(item("good-1", later)));
            dynamo.putItem(b -> b.tableName(table).item(item("fail-2", later)));
            dynamo.putItem(b -> b.tableName(table).item(item("good-3", later)));

            String failuresUrl = stack.resources().queueUrl("Failures");
            List<Message> failures = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> stack.awsClients().sqs().receiveMessage(b -> b.queueUrl(failuresUrl).waitTimeSeconds(0)).messages(),
                            list -> !list.isEmpty());

            JsonNode failure = LambdaJson.toTree(failures.get(0).body());
            String failedSequence = handler.received.stream()
                    .filter(r -> r.getDynamodb().getKeys().get("pk").getS().equals("fail-2"))
                    .findFirst().orElseThrow().getDynamodb().getSequenceNumber();
            assertThat(failure.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(failure.at("/requestContext/functionArn").asText()).endsWith(":function:t-stream-fail-Consumer");
            assertThat(failure.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
            assertThat(failure.at("/DDBStreamBatchInfo/streamArn").asText()).isEqualTo(stack.resources().streamArn("Retention").orElseThrow());
            assertThat(failure.at("/DDBStreamBatchInfo/startSequenceNumber").asText()).isEqualTo(failedSequence);
            assertThat(failure.at("/DDBStreamBatchInfo/shardId").asText()).isNotBlank();
            // good-1 once; then the retry starts at fail-2, so fail-2 and good-3 are delivered twice.
            List<String> deliveries = handler.received.stream().map(r -> r.getDynamodb().getKeys().get("pk").getS()).toList();
            assertThat(deliveries).filteredOn("good-1"::equals).hasSize(1);
            assertThat(deliveries).filteredOn("fail-2"::equals).hasSize(2);
        }
    }

    private static LocalSuite stack(String prefix, String pattern, TestHandlers.Stream handler) {
        return LocalSuite.start(LocalSuiteOptions.defaults()
                .endpoints(TestEmulators.shared())
                .template(Template.parse(TEMPLATE.formatted(pattern)))
                .prefix(prefix)
                .httpPort(LocalSuiteOptions.NO_HTTP)
                .handler("Consumer", handler));
    }

    private static Map<String, AttributeValue> item(String pk, long expiresAt) {
        return Map.of("pk", AttributeValue.fromS(pk), "expiresAt", AttributeValue.fromN(String.valueOf(expiresAt)));
    }
}
