package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.local.Template;
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
}
