package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.local.template.Template;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code sam deploy} cannot run here, so the template is checked against the code: every function's handler,
 * artifact, event wiring and IAM must agree with what the code expects, and each rule below is one a
 * deployment has been seen to break on.
 */
class TemplateContractTest {
    private static final Template TEMPLATE = Template.fromProject();
    private static final Path ROOT = Template.projectRoot();

    private static List<Template.Resource> functions() {
        return TEMPLATE.resourcesOfType("AWS::Serverless::Function");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static Class<?> handlerClass(Template.Resource fn) throws ClassNotFoundException {
        String handler = fn.string("Handler").orElseThrow();
        return Class.forName(handler.substring(0, handler.indexOf("::")));
    }

    private static Type[] handlerTypes(Class<?> handler) {
        for (Type t : handler.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                return p.getActualTypeArguments();
            }
        }
        throw new AssertionError(handler + " does not implement RequestHandler<I, O>");
    }

    @Test
    void everyFunctionShouldNameAHandlerWithLambdaAndLocalConstructors() throws Exception {
        assertThat(functions()).isNotEmpty();
        for (Template.Resource fn : functions()) {
            assertThat(fn.string("Handler").orElse("")).as(fn.logicalId()).endsWith("::handleRequest");
            Class<?> handler = handlerClass(fn);
            assertThat(RequestHandler.class.isAssignableFrom(handler)).as(fn.logicalId()).isTrue();
            handler.getConstructor();
            handler.getConstructor(Env.class);
        }
    }

    @Test
    void everyCodeUriShouldBeTheZipItsModuleBuilds() {
        for (Template.Resource fn : functions()) {
            String codeUri = fn.string("CodeUri").orElse("");
            assertThat(codeUri).as(fn.logicalId()).matches("functions/[a-z0-9-]+/target/[a-z0-9-]+\\.zip");
            String module = codeUri.split("/")[1];
            assertThat(codeUri).endsWith("/" + module + ".zip");
            assertThat(ROOT.resolve("functions").resolve(module).resolve("pom.xml")).exists();
            // Failsafe runs after every module's package phase, so the artifacts must exist by now.
            assertThat(ROOT.resolve(codeUri)).as("built artifact of " + fn.logicalId()).exists();
        }
    }

    @Test
    void httpApiRoutesShouldUsePayload2HandlersOnTheSharedApi() throws Exception {
        int routes = 0;
        for (Template.Resource fn : functions()) {
            for (Object e : map(fn.properties().get("Events")).values()) {
                Map<String, Object> event = map(e);
                String type = String.valueOf(event.get("Type"));
                assertThat(type).as(fn.logicalId() + " uses REST API events with a v2 handler?").isNotEqualTo("Api");
                if (type.equals("HttpApi")) {
                    routes++;
                    assertThat(handlerTypes(handlerClass(fn))[0]).isEqualTo(APIGatewayV2HTTPEvent.class);
                    Object apiRef = map(map(event.get("Properties")).get("ApiId")).get("Ref");
                    assertThat(TEMPLATE.resource(String.valueOf(apiRef)).map(Template.Resource::type))
                            .hasValue("AWS::Serverless::HttpApi");
                }
            }
        }
        assertThat(routes).isGreaterThanOrEqualTo(5);
    }

    @Test
    void queueConsumersShouldReportPartialFailuresFromQueuesWithDeadLetterQueues() throws Exception {
        for (Template.Resource fn : functions()) {
            int timeout = functionTimeout(fn);
            for (Object e : map(fn.properties().get("Events")).values()) {
                Map<String, Object> event = map(e);
                Map<String, Object> props = map(event.get("Properties"));
                if ("SQS".equals(event.get("Type"))) {
                    assertThat(list(props.get("FunctionResponseTypes"))).as(fn.logicalId())
                            .contains("ReportBatchItemFailures");
                    assertThat(handlerTypes(handlerClass(fn))[1]).isEqualTo(SQSBatchResponse.class);
                    String queueId = String.valueOf(list(map(props.get("Queue")).get("Fn::GetAtt")).get(0));
                    Template.Resource queue = TEMPLATE.resource(queueId).orElseThrow();
                    assertThat(queue.properties()).as(queueId + " RedrivePolicy").containsKey("RedrivePolicy");
                    int visibility = Integer.parseInt(String.valueOf(queue.properties().getOrDefault("VisibilityTimeout", "30")));
                    assertThat(visibility).as(queueId + " visibility >= 6x timeout").isGreaterThanOrEqualTo(6 * timeout);
                }
                if ("DynamoDB".equals(event.get("Type"))) {
                    assertThat(list(props.get("FunctionResponseTypes"))).as(fn.logicalId())
                            .contains("ReportBatchItemFailures");
                    assertThat(handlerTypes(handlerClass(fn))[1]).isEqualTo(StreamsEventResponse.class);
                    String tableId = String.valueOf(list(map(props.get("Stream")).get("Fn::GetAtt")).get(0));
                    assertThat(TEMPLATE.resource(tableId).orElseThrow().properties()).containsKey("StreamSpecification");
                    assertThat(props).as(fn.logicalId() + " stream needs an on-failure destination")
                            .containsKeys("DestinationConfig", "MaximumRetryAttempts");
                }
            }
        }
    }

    @Test
    void tablesShouldBeEncryptedWithPointInTimeRecovery_andTtlOnExpiresAt() {
        for (Template.Resource table : TEMPLATE.resourcesOfType("AWS::DynamoDB::Table")) {
            assertThat(map(table.properties().get("SSESpecification")).get("SSEEnabled")).as(table.logicalId())
                    .isEqualTo(true);
            assertThat(map(table.properties().get("PointInTimeRecoverySpecification"))
                    .get("PointInTimeRecoveryEnabled")).as(table.logicalId()).isEqualTo(true);
            Map<String, Object> ttl = map(table.properties().get("TimeToLiveSpecification"));
            if (!ttl.isEmpty()) {
                assertThat(ttl.get("AttributeName")).as(table.logicalId()).isEqualTo("expiresAt");
            }
        }
    }

    @Test
    void policiesShouldBeScopedToNamedResources() {
        for (Template.Resource fn : functions()) {
            for (Object policy : list(fn.properties().get("Policies"))) {
                if (policy instanceof String name) {
                    assertThat(name).as(fn.logicalId()).doesNotEndWith("FullAccess");
                }
                for (Object statement : list(map(policy).get("Statement"))) {
                    Object resource = map(statement).get("Resource");
                    assertThat(resource).as(fn.logicalId() + " statement resource").isNotEqualTo("*");
                }
                map(policy).values().forEach(args -> map(args).values().forEach(v ->
                        assertThat(v).as(fn.logicalId() + " policy template argument").isInstanceOf(Map.class)));
            }
        }
    }

    @Test
    void everyRefShouldNameAResourceOrParameter() {
        List<String> refs = new ArrayList<>();
        collectRefs(TEMPLATE.raw(), refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            if (!ref.startsWith("AWS::")) {
                assertThat(TEMPLATE.resources().containsKey(ref) || TEMPLATE.parameters().containsKey(ref))
                        .as("!Ref " + ref).isTrue();
            }
        }
    }

    @Test
    void everyFunctionShouldHaveSampleEvents_andEverySampleShouldBeJson() throws Exception {
        for (Template.Resource fn : functions()) {
            String module = fn.string("CodeUri").orElseThrow().split("/")[1];
            Path dir = ROOT.resolve("events").resolve(module);
            assertThat(dir).as("events/" + module).isDirectory();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.filter(p -> p.toString().endsWith(".json")).count()).isPositive();
            }
        }
        try (Stream<Path> all = Files.walk(ROOT.resolve("events"))) {
            for (Path p : all.filter(p -> p.toString().endsWith(".json")).toList()) {
                assertThat(Json.read(Files.readString(p)).isObject()).as(p.toString()).isTrue();
            }
        }
    }

    private static int functionTimeout(Template.Resource fn) {
        Object own = fn.properties().get("Timeout");
        Object global = TEMPLATE.globalsFunction().get("Timeout");
        return Integer.parseInt(String.valueOf(Objects.requireNonNullElse(own, Objects.requireNonNullElse(global, 3))));
    }

    private static void collectRefs(Object node, List<String> refs) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if ("Ref".equals(k) && v instanceof String s) {
                    refs.add(s);
                } else {
                    collectRefs(v, refs);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, refs));
        }
    }

    @Test
    void dataMap_shouldTravelInTheProcessorsArtifact_neverInAParameterOrTheEnvironment() throws Exception {
        // -Dprivacysuite.dataMap=... at build time bundles another map; the failsafe/surefire run passes it on.
        String configured = System.getProperty("privacysuite.dataMap", "");
        Path source = configured.isBlank() ? ROOT.resolve("config/data-map.json")
                : Path.of(System.getProperty("privacysuite.buildRoot", ROOT.toString())).resolve(configured);
        String bundled;
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(
                ROOT.resolve("functions/request-processor/target/request-processor.zip").toFile())) {
            java.util.zip.ZipEntry entry = zip.getEntry(io.privacysuite.fulfilment.DataMap.RESOURCE);
            assertThat(entry).as("the data map inside request-processor.zip").isNotNull();
            bundled = new String(zip.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }

        assertThat(Json.read(bundled)).isEqualTo(Json.read(Files.readString(source)));
        assertThat(TEMPLATE.parameters()).doesNotContainKey("DataMap");
        assertThat(String.valueOf(TEMPLATE.raw())).doesNotContain("DATA_MAP");
    }

    private static Map<String, Object> attributes(String logicalId) {
        return map(map(TEMPLATE.raw().get("Resources")).get(logicalId));
    }

    @Test
    void statefulResources_shouldSayWhatHappensOnDeletionAndReplacement_andProofOutlivesTheStack() {
        List<String> stateful = List.of("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::S3::Bucket",
                "AWS::SecretsManager::Secret", "AWS::KMS::Key");
        int checked = 0;
        for (Template.Resource r : TEMPLATE.resources().values()) {
            if (stateful.contains(r.type())) {
                checked++;
                assertThat(attributes(r.logicalId())).as(r.logicalId()).containsKeys("DeletionPolicy", "UpdateReplacePolicy");
            }
            if (r.type().equals("AWS::DynamoDB::Table") || r.type().equals("AWS::SecretsManager::Secret")
                    || r.type().equals("AWS::S3::Bucket")) {
                // Tables hold proof and records; the secrets are what makes issued keys and links verifiable.
                assertThat(attributes(r.logicalId())).as(r.logicalId())
                        .containsEntry("DeletionPolicy", "RetainExceptOnCreate")
                        .containsEntry("UpdateReplacePolicy", "Retain");
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(17);
        for (String queue : List.of("RequestProcessingQueue", "RequestProcessingDLQ", "AccountLifecycleQueue",
                "AccountLifecycleDeadLetterQueue", "RetentionStreamFailureQueue")) {
            assertThat(attributes(queue)).as(queue + ": work someone is owed").containsEntry("DeletionPolicy",
                    "RetainExceptOnCreate").containsEntry("UpdateReplacePolicy", "Retain");
        }
        for (String queue : List.of("NotificationsQueue", "NotificationsDLQ")) {
            assertThat(attributes(queue)).as(queue + ": in flight during a replacement")
                    .containsEntry("UpdateReplacePolicy", "Retain");
        }
        assertThat(attributes("ExportsBucketPolicy")).as("stays with the retained bucket")
                .containsEntry("DeletionPolicy", "RetainExceptOnCreate");
    }

    @Test
    void topics_shouldBeEncryptedWithARotatingCustomerKey_thatOnlyThisAccountsAlarmsAndSesMayUse() {
        List<Template.Resource> topics = TEMPLATE.resourcesOfType("AWS::SNS::Topic");
        assertThat(topics).hasSizeGreaterThanOrEqualTo(2);
        for (Template.Resource topic : topics) {
            // alias/aws/sns cannot be used by CloudWatch or SES: its key policy cannot be changed.
            assertThat(topic.properties().get("KmsMasterKeyId")).as(topic.logicalId()).isEqualTo(Map.of("Ref", "TopicsKey"));
        }
        Template.Resource key = TEMPLATE.resource("TopicsKey").orElseThrow();
        assertThat(key.type()).isEqualTo("AWS::KMS::Key");
        assertThat(key.properties().get("EnableKeyRotation")).isEqualTo(true);
        Map<String, Map<String, Object>> byService = new java.util.HashMap<>();
        for (Object s : list(map(key.properties().get("KeyPolicy")).get("Statement"))) {
            Map<String, Object> statement = map(s);
            Object service = map(statement.get("Principal")).get("Service");
            if (service != null) {
                assertThat(byService.put(String.valueOf(service), statement)).as("one statement per service").isNull();
            }
        }
        assertThat(byService).containsOnlyKeys("cloudwatch.amazonaws.com", "ses.amazonaws.com");
        byService.forEach((service, statement) -> {
            assertThat(statement.get("Effect")).isEqualTo("Allow");
            assertThat(list(statement.get("Action"))).as(service).containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey*");
            Map<String, Object> condition = map(statement.get("Condition"));
            assertThat(map(condition.get("StringEquals")).get("aws:SourceAccount")).as(service)
                    .isEqualTo(Map.of("Ref", "AWS::AccountId"));
            assertThat(String.valueOf(map(condition.get("ArnLike")).get("aws:SourceArn"))).as(service)
                    .contains("${AWS::AccountId}").contains(service.startsWith("ses") ? ":ses:" : ":cloudwatch:");
        });
        for (Template.Resource alarm : TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm")) {
            for (Object action : list(alarm.properties().get("AlarmActions"))) {
                String topic = String.valueOf(map(action).get("Ref"));
                assertThat(TEMPLATE.resource(topic).map(Template.Resource::type)).as(alarm.logicalId())
                        .hasValue("AWS::SNS::Topic");
            }
        }
    }

    @Test
    void notifier_shouldBeAllowedToSendAsTheAddress_itsDomain_andTheConfigurationSet_only() {
        Template.Resource notifier = TEMPLATE.resource("NotifierFunction").orElseThrow();
        List<Object> resources = new ArrayList<>();
        for (Object policy : list(notifier.properties().get("Policies"))) {
            for (Object statement : list(map(policy).get("Statement"))) {
                if ("ses:SendRawEmail".equals(map(statement).get("Action"))) {
                    resources.addAll(list(map(statement).get("Resource")));
                }
            }
        }
        String text = String.valueOf(resources);

        assertThat(resources).hasSize(3);
        assertThat(text).contains(":identity/${SenderEmail}").contains(":identity/${SenderDomain}")
                .contains("Fn::Split=[@, {Ref=SenderEmail}]").contains(":configuration-set/${SesConfigurationSet}")
                .doesNotContain("identity/*");
        assertThat(String.valueOf(notifier.properties().get("Environment"))).contains("SES_CONFIGURATION_SET");
    }

    @Test
    void exportsBucket_shouldBeEncrypted_private_andExpireWithinSevenDays() {
        Map<String, Object> bucket = TEMPLATE.resource("ExportsBucket").orElseThrow().properties();
        String text = String.valueOf(bucket);

        assertThat(text).contains("SSEAlgorithm=AES256").contains("BlockPublicAcls=true")
                .contains("RestrictPublicBuckets=true").contains("ExpirationInDays=7");
        assertThat(String.valueOf(TEMPLATE.resource("RequestProcessorFunction").orElseThrow().properties()))
                .contains("MAX_RECEIVES=5");
        assertThat(String.valueOf(TEMPLATE.resource("RequestProcessingQueue").orElseThrow().properties()))
                .contains("maxReceiveCount=5");
    }

    private static Map<String, Object> environment(Template.Resource fn) {
        return map(map(fn.properties().get("Environment")).get("Variables"));
    }

    private static String refOf(Object value) {
        return String.valueOf(map(value).get("Ref"));
    }

    @Test
    void noSecretValueShouldBeInAFunctionsConfiguration_onlyArnsWithGetSecretValueOnExactlyThoseSecrets() {
        Map<String, Object> globals = map(map(TEMPLATE.globalsFunction().get("Environment")).get("Variables"));
        assertThat(String.valueOf(globals)).doesNotContain("resolve:secretsmanager");
        List<String> secrets = TEMPLATE.resourcesOfType("AWS::SecretsManager::Secret").stream()
                .map(Template.Resource::logicalId).toList();
        assertThat(secrets).isNotEmpty();
        for (Template.Resource fn : functions()) {
            Map<String, Object> env = environment(fn);
            assertThat(String.valueOf(env)).as(fn.logicalId()).doesNotContain("{{resolve:").doesNotContain("resolve:secretsmanager");
            java.util.Set<String> read = new java.util.TreeSet<>();
            env.forEach((name, value) -> {
                if (secrets.contains(refOf(value))) {
                    assertThat(name).as(fn.logicalId() + " names a secret").endsWith("_SECRET_ARN");
                    read.add(refOf(value));
                }
                assertThat(name).as(fn.logicalId() + " " + name).doesNotEndWith("_KEY");
            });
            java.util.Set<String> granted = new java.util.TreeSet<>();
            for (Object policy : list(fn.properties().get("Policies"))) {
                Object arg = map(policy).get("AWSSecretsManagerGetSecretValuePolicy");
                if (arg != null) {
                    granted.add(refOf(map(arg).get("SecretArn")));
                }
                assertThat(String.valueOf(policy)).as(fn.logicalId() + ": secrets only through the policy template")
                        .doesNotContain("secretsmanager:*");
            }
            assertThat(granted).as(fn.logicalId() + " may read exactly the secrets it names").isEqualTo(read);
        }
    }

    @Test
    void publicBaseUrlShouldHaveNoDefault_andAllowOnlyHttps() {
        Template.Parameter url = TEMPLATE.parameters().get("PublicBaseUrl");
        assertThat(url.defaultValue()).isEmpty();
        String pattern = String.valueOf(TEMPLATE.raw() instanceof Map<?, ?> raw
                ? map(map(raw.get("Parameters")).get("PublicBaseUrl")).get("AllowedPattern") : "");
        java.util.regex.Pattern allowed = java.util.regex.Pattern.compile(pattern);
        assertThat(allowed.matcher("https://privacy.example.com").matches()).isTrue();
        assertThat(allowed.matcher("http://privacy.example.com").matches()).isFalse();
        assertThat(allowed.matcher("http://localhost:3000").matches()).isFalse();
    }

    @Test
    void noCrudPolicyWhereAFunctionNeedsAFewActions() {
        for (Template.Resource fn : functions()) {
            assertThat(String.valueOf(fn.properties().get("Policies"))).as(fn.logicalId()).doesNotContain("S3CrudPolicy")
                    .doesNotContain("s3:*").doesNotContain("dynamodb:*");
        }
        String processor = String.valueOf(TEMPLATE.resource("RequestProcessorFunction").orElseThrow().properties()
                .get("Policies"));
        // The processor writes exports; the requests API alone reads them (it presigns each download click).
        assertThat(processor).contains("Action=s3:PutObject").doesNotContain("s3:GetObject")
                .contains("${ExportsBucket.Arn}/exports/*");
        assertThat(String.valueOf(TEMPLATE.resource("RequestsApiFunction").orElseThrow().properties().get("Policies")))
                .contains("Action=s3:GetObject").doesNotContain("s3:PutObject");
        for (String fn : List.of("ConsentApiFunction", "ConsentAdminFunction")) {
            String policies = String.valueOf(TEMPLATE.resource(fn).orElseThrow().properties().get("Policies"));
            assertThat(policies).as(fn).doesNotContain("DynamoDBCrudPolicy").doesNotContain("DeleteItem");
        }
    }

    @Test
    void everyDeadLetterAndOnFailureQueueShouldHaveAnAlarm_toTheOperators() {
        java.util.Set<String> failureQueues = new java.util.TreeSet<>();
        for (Template.Resource queue : TEMPLATE.resourcesOfType("AWS::SQS::Queue")) {
            Object target = map(queue.properties().get("RedrivePolicy")).get("deadLetterTargetArn");
            if (target != null) {
                failureQueues.add(String.valueOf(list(map(target).get("Fn::GetAtt")).get(0)));
            }
        }
        for (Template.Resource fn : functions()) {
            for (Object e : map(fn.properties().get("Events")).values()) {
                Object destination = map(map(map(map(map(e).get("Properties")).get("DestinationConfig")).get("OnFailure"))
                        .get("Destination")).get("Fn::GetAtt");
                if (destination != null) {
                    failureQueues.add(String.valueOf(list(destination).get(0)));
                }
            }
            Object dlq = map(map(fn.properties().get("DeadLetterQueue")).get("TargetArn")).get("Fn::GetAtt");
            if (dlq != null) {
                failureQueues.add(String.valueOf(list(dlq).get(0)));
            }
        }
        assertThat(failureQueues).contains("NotificationsDLQ", "RequestProcessingDLQ", "AccountLifecycleDeadLetterQueue",
                "RetentionStreamFailureQueue", "NoticeFanOutDLQ");
        List<Template.Resource> alarms = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm");
        for (String queue : failureQueues) {
            assertThat(alarms).as("an alarm on " + queue).anySatisfy(alarm -> {
                Map<String, Object> p = alarm.properties();
                assertThat(p.get("Namespace")).isEqualTo("AWS/SQS");
                assertThat(p.get("MetricName")).isEqualTo("ApproximateNumberOfMessagesVisible");
                assertThat(String.valueOf(p.get("Dimensions"))).contains("Fn::GetAtt=[" + queue + ", QueueName]");
                assertThat(String.valueOf(p.get("AlarmActions"))).contains("Ref=OperatorAlertsTopic");
            });
        }
    }

    @Test
    void everyFunctionShouldHaveErrorAndThrottleAlarms_andSesReputationBeAlarmed() {
        List<Template.Resource> alarms = TEMPLATE.resourcesOfType("AWS::CloudWatch::Alarm");
        for (Template.Resource fn : functions()) {
            for (String metric : List.of("Errors", "Throttles")) {
                assertThat(alarms).as(metric + " alarm for " + fn.logicalId()).anySatisfy(alarm -> {
                    assertThat(alarm.properties().get("Namespace")).isEqualTo("AWS/Lambda");
                    assertThat(alarm.properties().get("MetricName")).isEqualTo(metric);
                    assertThat(String.valueOf(alarm.properties().get("Dimensions"))).contains("Ref=" + fn.logicalId() + "}");
                    assertThat(String.valueOf(alarm.properties().get("AlarmActions"))).contains("Ref=OperatorAlertsTopic");
                });
            }
        }
        for (String metric : List.of("Reputation.BounceRate", "Reputation.ComplaintRate")) {
            assertThat(alarms).as(metric).anySatisfy(alarm -> assertThat(alarm.properties().get("MetricName"))
                    .isEqualTo(metric));
        }
    }

    @Test
    void theDashboardShouldShowOnlyMetricsTheCodeEmits_andEveryFailureQueue() throws Exception {
        List<Template.Resource> dashboards = TEMPLATE.resourcesOfType("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        String body = String.valueOf(map(dashboards.get(0).properties().get("DashboardBody")).get("Fn::Sub"));
        com.fasterxml.jackson.databind.JsonNode json = Json.read(body);
        java.util.Set<String> shown = new java.util.TreeSet<>();
        java.util.Set<String> queues = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode widget : json.get("widgets")) {
            for (com.fasterxml.jackson.databind.JsonNode metric : widget.at("/properties/metrics")) {
                if (metric.get(0).asText().equals(io.privacysuite.core.Metrics.NAMESPACE)) {
                    shown.add(metric.get(1).asText());
                } else if (metric.get(0).asText().equals("AWS/SQS")) {
                    queues.add(metric.get(3).asText().replaceAll("^\\$\\{(.+)\\.QueueName}$", "$1"));
                }
            }
        }
        java.util.Set<String> emitted = new java.util.TreeSet<>();
        for (io.privacysuite.core.Metrics.Name name : io.privacysuite.core.Metrics.Name.values()) {
            emitted.add(name.name());
        }
        assertThat(shown).containsAll(List.of("ConsentsRecorded", "OpenRequests", "OverdueRequests", "EmailsSent",
                "EmailsSuppressed", "EmailsFailed", "TtlDeletions", "DeletionReceipts"));
        assertThat(emitted).containsAll(shown);
        assertThat(queues).containsExactlyInAnyOrder("NotificationsDLQ", "RequestProcessingDLQ",
                "AccountLifecycleDeadLetterQueue", "RetentionStreamFailureQueue", "NoticeFanOutDLQ");
    }
}
