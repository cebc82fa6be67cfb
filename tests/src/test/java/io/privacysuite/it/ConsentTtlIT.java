package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.LocalSuiteOptions;
import io.privacysuite.local.template.Template;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB TTL really removes an expired consent, and its REMOVE record reaches a stream consumer through the
 * template's wiring with the service identity filter, while client deletes and writes are filtered out.
 * A second stack on the same emulators adds a probe consumer to a copy of the real template.
 */
class ConsentTtlIT extends IntegrationTest {
    static final String FILTER = "'{\"userIdentity\":{\"type\":[\"Service\"],\"principalId\":[\"dynamodb.amazonaws.com\"]}}'";

    /** Records what the stream delivers. */
    public static final class Capture implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        final List<DynamodbEvent.DynamodbStreamRecord> records = new CopyOnWriteArrayList<>();

        public Capture() {}

        public Capture(io.privacysuite.core.Env env) {}

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            records.addAll(event.getRecords());
            return new StreamsEventResponse();
        }
    }

    @Test
    void shouldDeleteAnExpiredConsent_andStreamOnlyTheTtlRemoval() throws Exception {
        Assumptions.assumeTrue(stack.endpoints().realTimeTtl(), "this backend sweeps TTL hourly");
        String yaml = Files.readString(Template.projectRoot().resolve("template.yaml"));
        String probe = """
                  TtlProbeFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: functions/consent-api/target/consent-api.zip
                      Handler: io.privacysuite.it.ConsentTtlIT$Capture::handleRequest
                      Events:
                        Expired:
                          Type: DynamoDB
                          Properties:
                            Stream: !GetAtt ConsentsTable.StreamArn
                            StartingPosition: TRIM_HORIZON
                            BatchSize: 10
                            FunctionResponseTypes: [ReportBatchItemFailures]
                            FilterCriteria:
                              Filters:
                                - Pattern: %s

                """.formatted(FILTER);
        Template template = Template.parse(yaml.replace("\nResources:\n", "\nResources:\n" + probe));
        Capture capture = new Capture();
        String prefix = "ttl" + UUID.randomUUID().toString().substring(0, 6) + "-";
        try (LocalSuite ttlStack = LocalSuite.start(LocalSuiteOptions.defaults().endpoints(stack.endpoints())
                .template(template).prefix(prefix).httpPort(LocalSuiteOptions.NO_HTTP)
                .handler("TtlProbeFunction", capture))) {
            String table = ttlStack.resources().tableName("ConsentsTable");
            ConsentStore store = new DynamoDbConsentStore(ttlStack.awsClients().dynamoDb(), table, ConsentsTable.DEFAULT_SHARDS);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ConsentRecord expired = consent("expired", now.minusSeconds(60), now.minusSeconds(1));
            ConsentRecord live = consent("live", now, now.plus(Duration.ofDays(365)));
            ConsentRecord deletedByClient = consent("client", now, now.plus(Duration.ofDays(365)));
            assertThat(store.append(expired)).isTrue();
            assertThat(store.append(live)).isTrue();
            assertThat(store.append(deletedByClient)).isTrue();
            ttlStack.awsClients().dynamoDb().deleteItem(r -> r.tableName(table).key(Map.of(
                    "pk", AttributeValue.fromS("CONSENT#" + deletedByClient.consentId()),
                    "sk", AttributeValue.fromS("V#000001"))));

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !capture.records.isEmpty());
            DynamodbEvent.DynamodbStreamRecord removal = capture.records.get(0);
            assertThat(removal.getEventName()).isEqualTo("REMOVE");
            assertThat(removal.getUserIdentity().getType()).isEqualTo("Service");
            assertThat(removal.getUserIdentity().getPrincipalId()).isEqualTo("dynamodb.amazonaws.com");
            assertThat(removal.getDynamodb().getOldImage().get("consentId").getS()).isEqualTo(expired.consentId());
            assertThat(store.version(expired.consentId(), 1)).isEmpty();
            assertThat(store.version(live.consentId(), 1)).isPresent();

            // Give the poller time to pass the other records: none of them may arrive.
            Thread.sleep(3000);
            assertThat(capture.records).extracting(r -> r.getDynamodb().getOldImage().get("consentId").getS())
                    .containsExactly(expired.consentId());
        }
    }

    private static ConsentRecord consent(String label, Instant recordedAt, Instant expiresAt) {
        return ConsentRecord.builder().consentId(label + "-" + UUID.randomUUID()).version(1).siteId("ttl-site")
                .siteGroup("ttl-group").categories(Categories.NONE).method(ConsentMethod.REJECT_ALL).bannerVersion("v1")
                .pageUrl("https://ttl.example/").recordedAt(recordedAt).validUntil(expiresAt).expiresAt(expiresAt)
                .retentionRule("end_user_12m").key("k.sig").build();
    }
}
