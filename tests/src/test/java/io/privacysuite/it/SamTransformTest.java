package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.fulfilment.DataMap;
import io.privacysuite.local.template.Template;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Expands template.yaml as a deploy does (src/test/python/sam_transform.py: sam package's S3 keys, then
 * AWS::LanguageExtensions, then the SAM translator) and checks what AWS would run: a published version per function
 * that every event source reaches through the alias, and new versions exactly when the code or a parameter that
 * reaches a function changes.
 */
class SamTransformTest {
    static final Path ROOT = Template.projectRoot();
    static final Template TEMPLATE = Template.fromProject();
    static final String ALIAS = "live";

    /** Two deployments with every parameter different; realistic (and long) values. */
    static final Map<String, String> A = Map.ofEntries(
            Map.entry("Stage", "prod"), Map.entry("ConsentLifetimeMonths", "12"), Map.entry("FiscalYearStart", "01-01"),
            Map.entry("TaxRetentionYears", "10"), Map.entry("FiscalTimeZone", "Europe/Amsterdam"),
            Map.entry("SweeperGraceHours", "48"), Map.entry("SweeperSchedule", "rate(1 hour)"),
            Map.entry("PublicBaseUrl", "https://privacy.example-saas.eu"),
            Map.entry("SenderEmail", "privacy@example-saas.eu"), Map.entry("SesConfigurationSet", ""),
            Map.entry("OperatorEmail", "dpo@example-saas.eu"), Map.entry("LegalRegime", "GDPR"),
            Map.entry("LegalTimeZone", "Europe/Brussels"), Map.entry("VerificationWindowHours", "72"),
            Map.entry("BreachRecordYears", "5"), Map.entry("NoticeSendRatePerSecond", "10"),
            Map.entry("SiteDayShards", "8"), Map.entry("LegacySiteDayIndex", "Drop"));
    static final Map<String, String> B = Map.ofEntries(
            Map.entry("Stage", "production-eu-central"), Map.entry("ConsentLifetimeMonths", "6"),
            Map.entry("FiscalYearStart", "04-01"), Map.entry("TaxRetentionYears", "8"),
            Map.entry("FiscalTimeZone", "America/Argentina/ComodRivadavia"), Map.entry("SweeperGraceHours", "72"),
            Map.entry("SweeperSchedule", "rate(30 minutes)"),
            Map.entry("PublicBaseUrl", "https://privacy-requests.customer-portal.example-software-group.com/api"),
            Map.entry("SenderEmail", "privacy-notifications@customer-portal.example-software-group.com"),
            Map.entry("SesConfigurationSet", "privacy-suite-transactional-mail"),
            Map.entry("OperatorEmail", "data-protection-officer@customer-portal.example-software-group.com"),
            Map.entry("LegalRegime", "GDPR_30_DAYS"), Map.entry("LegalTimeZone", "America/Argentina/ComodRivadavia"),
            Map.entry("VerificationWindowHours", "48"), Map.entry("BreachRecordYears", "10"),
            Map.entry("NoticeSendRatePerSecond", "14"), Map.entry("SiteDayShards", "32"),
            Map.entry("LegacySiteDayIndex", "Keep"));

    private static String translatorVersion;
    private static Map<String, JsonNode> expanded;

    @BeforeAll
    static void expand() throws Exception {
        List<Map<String, Object>> variants = new ArrayList<>();
        variants.add(variant("a", A, Map.of()));
        variants.add(variant("a-again", A, Map.of()));
        variants.add(variant("b", B, Map.of()));
        for (String parameter : TEMPLATE.parameters().keySet()) {
            Map<String, String> values = new HashMap<>(A);
            values.put(parameter, B.get(parameter));
            variants.add(variant("a+" + parameter, values, Map.of()));
        }
        variants.add(variant("a+notifier-code", A,
                Map.of("functions/notifier/target/notifier.zip", "0123456789abcdef0123456789abcdef")));
        Map<String, Object> request = Map.of("template", ROOT.resolve(Template.FILE_NAME).toString(),
                "artifactRoot", ROOT.toString(), "region", "eu-central-1", "variants", variants);

        ExternalTool.Result run = ExternalTool.run(ROOT, Json.write(request),
                List.of("python3", ROOT.resolve("tests/src/test/python/sam_transform.py").toString()));

        assertThat(run.exitCode()).as("sam_transform.py failed: %s", run.stderr()).isZero();
        JsonNode out = Json.read(run.stdout());
        translatorVersion = out.path("samTranslatorVersion").asText();
        expanded = new LinkedHashMap<>();
        out.path("results").fields().forEachRemaining(e -> expanded.put(e.getKey(), e.getValue()));
    }

    private static Map<String, Object> variant(String name, Map<String, String> parameters, Map<String, String> codeKeys) {
        return Map.of("name", name, "parameters", parameters, "codeKeys", codeKeys);
    }

    private static List<String> functions() {
        return TEMPLATE.resourcesOfType("AWS::Serverless::Function").stream().map(Template.Resource::logicalId).toList();
    }

    private static JsonNode resources(String variant) {
        return expanded.get(variant).path("Resources");
    }

    /** Function logical id to the logical id of its AWS::Lambda::Version. */
    private static Map<String, String> versions(String variant) {
        Map<String, String> out = new TreeMap<>();
        resources(variant).fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("AWS::Lambda::Version")) {
                String function = e.getValue().path("Properties").path("FunctionName").path("Ref").asText();
                assertThat(out.put(function, e.getKey())).as("second version of " + function).isNull();
            }
        });
        return out;
    }

    private static Set<String> changedVersions(String variant) {
        Map<String, String> base = versions("a");
        Map<String, String> other = versions(variant);
        Set<String> changed = new TreeSet<>();
        base.forEach((fn, id) -> {
            if (!id.equals(other.get(fn))) {
                changed.add(fn);
            }
        });
        return changed;
    }

    @Test
    void samplesShouldCoverEveryParameter_withValuesCloudFormationAccepts() {
        assertThat(translatorVersion).as("aws-sam-translator beside cfn-lint").startsWith("1.");
        assertThat(A.keySet()).isEqualTo(TEMPLATE.parameters().keySet());
        assertThat(B.keySet()).isEqualTo(TEMPLATE.parameters().keySet());
        Map<String, Object> definitions = map(TEMPLATE.raw().get("Parameters"));
        for (Map<String, String> sample : List.of(A, B)) {
            sample.forEach((name, value) -> {
                Map<String, Object> p = map(definitions.get(name));
                assertThat(A.get(name)).as(name + " differs between the deployments").isNotEqualTo(B.get(name));
                if (p.get("AllowedValues") instanceof List<?> allowed) {
                    assertThat(allowed.stream().map(String::valueOf).toList()).as(name).contains(value);
                }
                if (p.get("AllowedPattern") instanceof String pattern) {
                    assertThat(value).as(name).matches(pattern);
                }
                if (p.containsKey("MinValue")) {
                    assertThat(Double.parseDouble(value)).as(name)
                            .isBetween(Double.parseDouble(String.valueOf(p.get("MinValue"))),
                                    Double.parseDouble(String.valueOf(p.getOrDefault("MaxValue", Double.MAX_VALUE))));
                }
            });
        }
    }

    @Test
    void everyFunction_shouldPublishAVersionWithSnapStart_andAnAliasOnThatVersion() {
        JsonNode resources = resources("a");
        Map<String, String> versions = versions("a");
        assertThat(versions.keySet()).containsExactlyInAnyOrderElementsOf(functions());
        for (String fn : functions()) {
            JsonNode function = resources.path(fn);
            assertThat(function.path("Type").asText()).isEqualTo("AWS::Lambda::Function");
            assertThat(function.path("Properties").path("Runtime").asText()).as(fn).isEqualTo("java25");
            // SnapStart snapshots published versions only, after the handlers' org.crac beforeCheckpoint priming.
            assertThat(function.path("Properties").path("SnapStart").path("ApplyOn").asText()).as(fn)
                    .isEqualTo("PublishedVersions");
            JsonNode alias = resources.path(fn + "Alias" + ALIAS);
            assertThat(alias.path("Type").asText()).as(fn + " alias").isEqualTo("AWS::Lambda::Alias");
            assertThat(alias.path("Properties").path("FunctionName").path("Ref").asText()).isEqualTo(fn);
            assertThat(alias.path("Properties").path("FunctionVersion").path("Fn::GetAtt").path(0).asText())
                    .as(fn + " alias points at the published version").isEqualTo(versions.get(fn));
        }
    }

    @Test
    void everyEventSource_shouldInvokeTheAlias_neverLatest() {
        JsonNode resources = resources("a");
        Set<String> functions = Set.copyOf(functions());
        resources.fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            // An alarm names the function only as a metric dimension, which counts every version (no invocation).
            if (!type.equals("AWS::Lambda::Version") && !type.equals("AWS::Lambda::Alias")
                    && !type.equals("AWS::CloudWatch::Alarm")) {
                // Nothing but the version and the alias may name the unqualified function, i.e. $LATEST.
                assertThat(references(e.getValue())).as(e.getKey() + " refers to $LATEST")
                        .doesNotContainAnyElementsOf(functions);
            }
        });
        JsonNode apiPaths = firstOfType(resources, "AWS::ApiGatewayV2::Api").path("Properties")
                .path("Body").path("paths");
        int events = 0;
        for (Template.Resource fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            String alias = fn.logicalId() + "Alias" + ALIAS;
            for (var event : map(fn.properties().get("Events")).entrySet()) {
                events++;
                String type = String.valueOf(map(event.getValue()).get("Type"));
                Map<String, Object> props = map(map(event.getValue()).get("Properties"));
                String generated = fn.logicalId() + event.getKey();
                String where = fn.logicalId() + "." + event.getKey();
                switch (type) {
                    case "HttpApi" -> {
                        assertThat(references(resources.path(generated + "Permission"))).as(where).contains(alias);
                        JsonNode route = apiPaths.path(String.valueOf(props.get("Path")))
                                .path(String.valueOf(props.get("Method")).toLowerCase(java.util.Locale.ROOT));
                        assertThat(references(route.path("x-amazon-apigateway-integration"))).as(where).contains(alias);
                    }
                    case "SQS", "DynamoDB" -> assertThat(resources.path(generated).path("Properties")
                            .path("FunctionName").path("Ref").asText()).as(where).isEqualTo(alias);
                    case "Schedule" -> {
                        assertThat(resources.path(generated).path("Properties").path("Targets").path(0).path("Arn")
                                .path("Ref").asText()).as(where).isEqualTo(alias);
                        assertThat(references(resources.path(generated + "Permission"))).as(where).contains(alias);
                    }
                    case "SNS" -> {
                        assertThat(resources.path(generated).path("Properties").path("Endpoint").path("Ref").asText())
                                .as(where).isEqualTo(alias);
                        assertThat(references(resources.path(generated + "Permission"))).as(where).contains(alias);
                    }
                    default -> throw new AssertionError(where + ": no check for event type " + type);
                }
            }
        }
        assertThat(events).isGreaterThanOrEqualTo(20);
    }

    private static JsonNode firstOfType(JsonNode resources, String type) {
        for (JsonNode r : resources) {
            if (r.path("Type").asText().equals(type)) {
                return r;
            }
        }
        throw new AssertionError("no " + type + " in the expanded template");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Test
    void theSameCodeAndParameters_shouldKeepEveryVersion() {
        assertThat(versions("a-again")).isEqualTo(versions("a"));
    }

    @Test
    void aParameterThatReachesFunctions_shouldPublishNewVersionsOfExactlyThoseFunctions() {
        Map<String, Set<String>> expected = new TreeMap<>();
        Map<String, Set<String>> actual = new TreeMap<>();
        for (String parameter : TEMPLATE.parameters().keySet()) {
            expected.put(parameter, functionsReachedBy(parameter));
            actual.put(parameter, changedVersions("a+" + parameter));
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(expected.get("OperatorEmail")).containsExactlyInAnyOrderElementsOf(functions());
        assertThat(expected.get("SesConfigurationSet")).containsExactly("NotifierFunction");
        assertThat(expected.get("SweeperSchedule")).as("a schedule is not configuration of the code").isEmpty();
        assertThat(changedVersions("b")).containsExactlyInAnyOrderElementsOf(functions());
    }

    @Test
    void changedCode_shouldPublishNewVersionsOfOnlyTheFunctionsBuiltFromIt() {
        assertThat(changedVersions("a+notifier-code")).containsExactlyInAnyOrder("NotifierFunction", "SesFeedbackFunction");
    }

    /** Functions whose environment (their own, or the Globals every function gets) refers to the parameter. */
    private static Set<String> functionsReachedBy(String parameter) {
        Set<String> out = new TreeSet<>();
        boolean global = references(Json.MAPPER.valueToTree(TEMPLATE.globalsFunction().getOrDefault("Environment", Map.of())))
                .contains(parameter);
        for (Template.Resource fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            if (global || references(Json.MAPPER.valueToTree(fn.properties().getOrDefault("Environment", Map.of())))
                    .contains(parameter)) {
                out.add(fn.logicalId());
            }
        }
        return out;
    }

    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9:]+)(?:\\.[^}]*)?}");

    /** Logical ids (and parameters) a node refers to through Ref, Fn::GetAtt and Fn::Sub. */
    static List<String> references(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                switch (e.getKey()) {
                    case "Ref" -> out.add(e.getValue().asText());
                    case "Fn::GetAtt" -> out.add(e.getValue().isArray() ? e.getValue().path(0).asText()
                            : e.getValue().asText().split("\\.")[0]);
                    case "Fn::Sub" -> {
                        String text = e.getValue().isArray() ? e.getValue().path(0).asText() : e.getValue().asText();
                        Matcher m = SUB_VARIABLE.matcher(text);
                        while (m.find()) {
                            out.add(m.group(1));
                        }
                        if (e.getValue().isArray()) {
                            out.addAll(references(e.getValue().path(1)));
                        }
                    }
                    default -> out.addAll(references(e.getValue()));
                }
            });
        } else if (node.isArray()) {
            node.forEach(item -> out.addAll(references(item)));
        }
        return out;
    }

    // ------------------------------------------------------------------ Lambda's 4 KB environment

    /** What CloudFormation names resources of a stack with this name: stack-LogicalId-RANDOMSUFFIX. */
    static final String STACK_NAME = "privacy-suite-production";
    static final String QUEUE_URL_PREFIX = "https://sqs.eu-central-1.amazonaws.com/123456789012/";

    @Test
    void everyFunctionsEnvironment_shouldFitLambdas4Kb_withLongValues_andTheRequestProcessorWithA50SourceMap()
            throws Exception {
        String map = Files.readString(ROOT.resolve("tests/src/test/resources/" + DataMapAtScaleTest.FILE));
        Set<String> mapVariables = DataMap.variables(map);
        assertThat(mapVariables).as("the 50-source map's webhook secrets").hasSizeGreaterThan(10);
        JsonNode resources = resources("b");
        Map<String, Integer> sizes = new TreeMap<>();
        for (String fn : functions()) {
            JsonNode variables = resources.path(fn).path("Properties").path("Environment").path("Variables");
            assertThat(variables.has("DATA_MAP")).as(fn + " carries no data map").isFalse();
            int size = 0;
            for (var it = variables.fields(); it.hasNext(); ) {
                var e = it.next();
                size += e.getKey().length() + deployedLength(e.getValue(), resources, B);
            }
            if (fn.equals("RequestProcessorFunction")) {
                // What a deployer adds for the map's webhooks: one secret (64 characters) per variable.
                for (String variable : mapVariables) {
                    size += variable.length() + 64;
                }
            }
            sizes.put(fn, size);
        }
        System.out.println("deployed environment sizes (bytes, Lambda's limit 4096): " + sizes);
        assertThat(sizes).allSatisfy((fn, size) -> assertThat(size).as(fn).isLessThan(4096));
    }

    /** The length a value will have once CloudFormation resolves it (the longest plausible, for resources). */
    private static int deployedLength(JsonNode value, JsonNode resources, Map<String, String> parameters) {
        if (value.isTextual()) {
            return value.asText().length();
        }
        String text = value.toString();
        if (parameters.containsKey(value.path("Ref").asText(""))) {
            return parameters.get(value.path("Ref").asText()).length();
        }
        if (text.contains("{{resolve:secretsmanager:")) {
            return 64; // the secrets' GenerateSecretString PasswordLength
        }
        String ref = value.path("Ref").asText("");
        String type = resources.path(ref).path("Type").asText("");
        int name = STACK_NAME.length() + 1 + ref.length() + 1 + 13;
        return switch (type) {
            case "AWS::DynamoDB::Table" -> name;
            // arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>
            case "AWS::SecretsManager::Secret" -> "arn:aws:secretsmanager:eu-central-1:123456789012:secret:".length()
                    + name + 7;
            case "AWS::SQS::Queue" -> QUEUE_URL_PREFIX.length() + name;
            case "AWS::S3::Bucket" -> 63;
            default -> throw new AssertionError("no deployed length known for " + text);
        };
    }
}
