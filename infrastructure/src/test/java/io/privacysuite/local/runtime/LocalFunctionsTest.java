package io.privacysuite.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.template.Template;
import io.privacysuite.local.template.TemplateResolver;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalFunctionsTest {
    private static final AwsEndpoints ENDPOINTS = AwsEndpoints.of(URI.create("http://127.0.0.1:1"),
            URI.create("http://127.0.0.1:2"), URI.create("http://127.0.0.1:3"), Optional.empty(), true);

    private static final String TEMPLATE = """
            Parameters:
              Stage: {Type: String, Default: dev}
            Globals:
              Function:
                Timeout: 7
                Environment:
                  Variables:
                    STAGE: !Ref Stage
                    SHARED: global
                    TABLE: !Ref Things
            Resources:
              Things:
                Type: AWS::DynamoDB::Table
              Dynamo:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$DescribeDynamodb::handleRequest
                  Environment:
                    Variables:
                      SHARED: own
                      QUEUE_ARN: !Sub "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q"
              Sqs:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$DescribeSqs::handleRequest
              Schedule:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$DescribeSchedule::handleRequest
              Admin:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$Admin::handleRequest
              Broken:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: io.privacysuite.local.TestHandlers$NoEnvConstructor::handleRequest
            """;

    private final LocalFunctions functions = functions(Map.of("SHARED", "override"), Map.of("Admin", Map.of("EXTRA", "1")));

    @Test
    void shouldLayerTheEnvironment_templateThenEndpointsThenLocalThenOverrides() {
        LocalFunctions plain = functions(Map.of(), Map.of());

        assertThat(plain.env("Dynamo").asMap())
                .containsEntry("STAGE", "dev")
                .containsEntry("TABLE", "t-fn-Things")
                .containsEntry("SHARED", "own")
                .containsEntry("QUEUE_ARN", "arn:aws:sqs:eu-west-1:000000000000:q")
                .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:1")
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "t-fn-Dynamo")
                .doesNotContainKeys("CONSENT_SIGNING_KEY", "UNSUBSCRIBE_SIGNING_KEY");
        assertThat(plain.env("Sqs").asMap()).containsEntry("SHARED", "global");
        assertThat(functions.env("Dynamo").asMap()).containsEntry("SHARED", "override");
        assertThat(functions.env("Admin").asMap()).containsEntry("EXTRA", "1");
        assertThat(functions.env("Sqs").asMap()).doesNotContainKey("EXTRA");
        assertThat(functions.get("Dynamo").timeout()).hasSeconds(7);
    }

    @Test
    void shouldConvertConsoleStyleJsonToTypedEvents() {
        String dynamodbJson = """
                {"Records": [{"eventID": "1", "eventName": "REMOVE", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
                  "awsRegion": "eu-west-1", "eventSourceARN": "arn:stream",
                  "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
                  "dynamodb": {"ApproximateCreationDateTime": 1700000000, "Keys": {"pk": {"S": "a"}},
                    "OldImage": {"pk": {"S": "a"}, "expiresAt": {"N": "1699999999"}}, "SequenceNumber": "100",
                    "SizeBytes": 20, "StreamViewType": "OLD_IMAGE"}}]}
                """;
        String sqsJson = """
                {"Records": [{"messageId": "m1", "receiptHandle": "r", "body": "hello",
                  "attributes": {"ApproximateReceiveCount": "3"},
                  "messageAttributes": {"kind": {"stringValue": "k", "dataType": "String"}},
                  "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:eu-west-1:000000000000:q", "awsRegion": "eu-west-1"}]}
                """;
        String scheduleJson = """
                {"version": "0", "id": "x", "detail-type": "Scheduled Event", "source": "aws.events",
                 "time": "2024-01-01T00:00:00Z", "region": "eu-west-1", "resources": ["arn:rule"], "detail": {}}
                """;

        assertThat(functions.invoke("Dynamo", dynamodbJson))
                .isEqualTo("REMOVE|a|1699999999|Service|2023-11-14T22:13:20Z|arn:stream");
        assertThat(functions.invoke("Sqs", sqsJson)).isEqualTo("hello|arn:aws:sqs:eu-west-1:000000000000:q|3|k");
        assertThat(functions.invoke("Schedule", scheduleJson)).isEqualTo("Scheduled Event|aws.events|true|[arn:rule]");
        assertThat(functions.invokeForJson("Admin", Map.of("action", "registerSite")).toString())
                .isEqualTo("{\"action\":\"registerSite\",\"stage\":\"dev\"}");
    }

    @Test
    void shouldReuseOneHandlerInstanceAndReportBadHandlers() {
        Object first = functions.get("Admin").instance();
        functions.invoke("Admin", "{}");

        assertThat(functions.get("Admin").instance()).isSameAs(first);
        assertThatThrownBy(() -> functions.invoke("Broken", "{}"))
                .isInstanceOf(FunctionInvocationException.class).hasMessageContaining("io.privacysuite.core.Env");
        assertThatThrownBy(() -> functions.invoke("Sqs", "not json")).isInstanceOf(FunctionInvocationException.class);
        assertThatThrownBy(() -> functions.get("Nope")).hasMessageContaining("Nope");
    }

    @Test
    void shouldResolveTheProjectFunctionsEnvironment() {
        Template template = Template.fromProject();
        TemplateResolver resolver = new TemplateResolver(template, tablesNamed("ps-local-"), TemplateResolver.DEFAULT_REGION,
                TemplateResolver.DEFAULT_ACCOUNT, Map.of("PublicBaseUrl", "http://127.0.0.1:3000"));
        LocalFunctions project = new LocalFunctions(template, resolver, ENDPOINTS, "ps-local-", Template.projectRoot(),
                Map.of(), Map.of());

        assertThat(project.logicalIds()).contains("ConsentApiFunction", "ConsentAdminFunction");
        assertThat(project.env("ConsentApiFunction").asMap())
                .containsEntry("SITES_TABLE", "ps-local-SitesTable")
                .containsEntry("CONSENTS_TABLE", "ps-local-ConsentsTable")
                .containsEntry("STAGE", "dev")
                .containsEntry("CONSENT_LIFETIME_MONTHS", "12")
                .containsEntry("CONSENT_SIGNING_SECRET_ARN", "local:ConsentSigningSecret")
                .containsEntry("PUBLIC_BASE_URL", "http://127.0.0.1:3000")
                .doesNotContainKey("CONSENT_SIGNING_KEY");
        assertThat(project.env("ConsentApiFunction").asMap().values()).as("everything resolved")
                .noneSatisfy(v -> assertThat(v).contains("{{resolve:"))
                .noneSatisfy(v -> assertThat(v).startsWith("{"));
    }

    private static LocalFunctions functions(Map<String, String> overrides, Map<String, Map<String, String>> perFunction) {
        Template template = Template.parse(TEMPLATE);
        TemplateResolver resolver = new TemplateResolver(template, tablesNamed("t-fn-"));
        return new LocalFunctions(template, resolver, ENDPOINTS, "t-fn-", Path.of("."), overrides, perFunction);
    }

    private static TemplateResolver.PhysicalResources tablesNamed(String prefix) {
        return new TemplateResolver.PhysicalResources() {
            @Override
            public Optional<String> ref(String logicalId) {
                return logicalId.endsWith("Table") || logicalId.equals("Things") ? Optional.of(prefix + logicalId) : Optional.empty();
            }

            @Override
            public Optional<String> getAtt(String logicalId, String attribute) {
                return Optional.empty();
            }
        };
    }
}
