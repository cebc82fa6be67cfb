package io.privacysuite.local.emulators;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.TestEmulators;
import io.privacysuite.local.template.LocalResources;
import io.privacysuite.local.template.Template;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

class EmbeddedEmulatorsTest {
    private static final String QUEUES = """
            Resources:
              WorkDlq:
                Type: AWS::SQS::Queue
                Properties:
                  MessageRetentionPeriod: 1209600
              Work:
                Type: AWS::SQS::Queue
                Properties:
                  VisibilityTimeout: 90
                  RedrivePolicy:
                    deadLetterTargetArn: !GetAtt WorkDlq.Arn
                    maxReceiveCount: 3
              OrdersDlq:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
              Orders:
                Type: AWS::SQS::Queue
                Properties:
                  FifoQueue: true
                  ContentBasedDeduplication: true
                  RedrivePolicy: !Sub '{"deadLetterTargetArn":"${OrdersDlq.Arn}","maxReceiveCount":5}'
            """;

    @Test
    void shouldCreateTheProjectTablesWithIndexesTtlAndStreams() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        Template template = Template.fromProject();
        try (LocalAwsClients clients = new LocalAwsClients(emulators)) {
            LocalResources resources = LocalResources.create(template,
                    LocalResources.Clients.tablesAndQueues(clients.dynamoDb(), clients.sqs()), "t-project-",
                    emulators.region(), Map.of());

            Set<String> tableIds = template.resourcesOfType(LocalResources.TABLE).stream().map(Template.Resource::logicalId)
                    .collect(java.util.stream.Collectors.toSet());
            assertThat(resources.tables().keySet()).isEqualTo(tableIds);
            assertThat(clients.dynamoDb().listTables().tableNames()).contains("t-project-SitesTable", "t-project-ConsentsTable");

            TableDescription consents = clients.dynamoDb().describeTable(b -> b.tableName("t-project-ConsentsTable")).table();
            assertThat(consents.keySchema()).extracting(k -> k.attributeName() + ":" + k.keyType())
                    .containsExactly("pk:" + KeyType.HASH, "sk:" + KeyType.RANGE);
            assertThat(consents.globalSecondaryIndexes()).singleElement().satisfies(gsi -> {
                // The legacy unsharded index is kept only when a parameter says so (an upgrade's first deploy).
                assertThat(gsi.indexName()).isEqualTo("bySiteDayShard");
                assertThat(gsi.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
                assertThat(gsi.projection().projectionTypeAsString()).isEqualTo("KEYS_ONLY");
            });
            assertThat(consents.streamSpecification().streamEnabled()).isTrue();
            assertThat(consents.streamSpecification().streamViewType()).isEqualTo(StreamViewType.NEW_AND_OLD_IMAGES);
            assertThat(resources.streamArn("ConsentsTable")).get().asString().contains("t-project-ConsentsTable/stream/");
            assertThat(clients.dynamoDb().describeTimeToLive(b -> b.tableName("t-project-ConsentsTable"))
                    .timeToLiveDescription()).satisfies(ttl -> {
                        assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
                        assertThat(ttl.attributeName()).isEqualTo("expiresAt");
                    });

            // Whatever queues the project template declares exist too.
            for (Template.Resource queue : template.resourcesOfType(LocalResources.QUEUE)) {
                assertThat(clients.sqs().getQueueUrl(b -> b.queueName(resources.queueName(queue.logicalId()))).queueUrl())
                        .isEqualTo(resources.queueUrl(queue.logicalId()));
            }

            LocalResources again = LocalResources.create(template,
                    LocalResources.Clients.tablesAndQueues(clients.dynamoDb(), clients.sqs()), "t-project-",
                    emulators.region(), Map.of());
            assertThat(again.streamArn("ConsentsTable")).as("idempotent: the existing table is reused")
                    .isEqualTo(resources.streamArn("ConsentsTable"));
        }
    }

    @Test
    void shouldCreateQueuesWithDlqsFirstAndTheirAttributes() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        try (LocalAwsClients clients = new LocalAwsClients(emulators)) {
            LocalResources resources = LocalResources.create(Template.parse(QUEUES),
                    LocalResources.Clients.tablesAndQueues(clients.dynamoDb(), clients.sqs()),
                    "t-queues-", emulators.region(), Map.of());

            assertThat(resources.queueArn("WorkDlq")).isEqualTo("arn:aws:sqs:eu-west-1:000000000000:t-queues-WorkDlq");
            assertThat(resources.queueName("Orders")).isEqualTo("t-queues-Orders.fifo");
            Map<QueueAttributeName, String> work = clients.sqs().getQueueAttributes(b -> b.queueUrl(resources.queueUrl("Work"))
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            assertThat(work).containsEntry(QueueAttributeName.VISIBILITY_TIMEOUT, "90");
            assertThat(work.get(QueueAttributeName.REDRIVE_POLICY)).contains(resources.queueArn("WorkDlq")).contains("3");
            Map<QueueAttributeName, String> orders = clients.sqs().getQueueAttributes(b -> b.queueUrl(resources.queueUrl("Orders"))
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            assertThat(orders).containsEntry(QueueAttributeName.FIFO_QUEUE, "true")
                    .containsEntry(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true");
            assertThat(orders.get(QueueAttributeName.REDRIVE_POLICY)).contains("t-queues-OrdersDlq.fifo");
            assertThat(resources.resolver().resolve(Map.of("Ref", "Work"))).isEqualTo(resources.queueUrl("Work"));
            assertThat(LocalResources.queuesInCreationOrder(Template.parse(QUEUES)))
                    .extracting(Template.Resource::logicalId)
                    .containsSubsequence("WorkDlq", "Work").containsSubsequence("OrdersDlq", "Orders");
        }
    }

    @Test
    void shouldExposeEndpointsAsFunctionEnvironment() {
        EmbeddedEmulators emulators = TestEmulators.shared();

        Map<String, String> env = emulators.asEnv();

        assertThat(env).containsEntry("AWS_REGION", "eu-west-1")
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", emulators.dynamodb().toString())
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", emulators.dynamodb().toString())
                .containsEntry("AWS_ENDPOINT_URL_SQS", emulators.sqs().toString())
                .containsEntry("AWS_ENDPOINT_URL_SES", emulators.ses().toString())
                .containsEntry("AWS_ENDPOINT_URL_S3", emulators.s3().orElseThrow().toString());
        assertThat(List.of(emulators.dynamodb(), emulators.sqs(), emulators.ses(), emulators.s3().orElseThrow()))
                .allSatisfy(uri -> assertThat(uri.getHost()).isEqualTo("127.0.0.1"));
        assertThat(emulators.realTimeTtl()).isTrue();
        assertThat(emulators.startupTimes()).containsKeys("dynamodb", "sqs", "ses", "s3");
    }

    static final String BUCKETS = """
            Resources:
              Exports:
                Type: AWS::S3::Bucket
                Properties:
                  LifecycleConfiguration:
                    Rules:
                      - Status: Enabled
                        ExpirationInDays: 7
              Reader:
                Type: AWS::SQS::Queue
                Properties:
                  Tags:
                    - Key: bucket
                      Value: !Ref Exports
            """;

    @Test
    void shouldCreateTemplateBuckets_inS3Mock_andResolveRefToTheBucketName() {
        EmbeddedEmulators emulators = TestEmulators.shared();
        try (LocalAwsClients clients = new LocalAwsClients(emulators)) {
            LocalResources resources = LocalResources.create(Template.parse(BUCKETS), new LocalResources.Clients(
                    clients.dynamoDb(), clients.sqs(), clients.s3(), java.util.Optional.empty()), "T-Buckets-", emulators.region(), Map.of());
            String bucket = resources.bucketName("Exports");

            clients.s3().orElseThrow().putObject(b -> b.bucket(bucket).key("a/b.json"),
                    software.amazon.awssdk.core.sync.RequestBody.fromString("{\"ok\":true}"));

            assertThat(bucket).isEqualTo("t-buckets-exports");
            assertThat(resources.resolver().resolve(Map.of("Ref", "Exports"))).isEqualTo(bucket);
            assertThat(resources.resolver().resolve(Map.of("Fn::GetAtt", List.of("Exports", "Arn"))))
                    .isEqualTo("arn:aws:s3:::" + bucket);
            assertThat(clients.s3().orElseThrow().getObjectAsBytes(b -> b.bucket(bucket).key("a/b.json")).asUtf8String())
                    .isEqualTo("{\"ok\":true}");
        }
    }
}
