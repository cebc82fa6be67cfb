package io.privacysuite.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.local.runtime.LocalFunctions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final String SHORT_FORMS = """
            Parameters:
              Stage:
                Type: String
                Default: dev
              Lifetime:
                Type: Number
                Default: 12
            Conditions:
              IsProd: !Equals [!Ref Stage, prod]
              IsNotProd: !Not [!Condition IsProd]
            Mappings:
              Sizes:
                dev: {memory: 512}
            Resources:
              Table:
                Type: AWS::DynamoDB::Table
              Queue:
                Type: AWS::SQS::Queue
              Secret:
                Type: AWS::SecretsManager::Secret
              Db:
                Type: AWS::RDS::DBInstance
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Ref: !Ref Table
                  GetAttScalar: !GetAtt Queue.Arn
                  GetAttList: !GetAtt [Table, StreamArn]
                  GetAttDotted: !GetAtt Db.Endpoint.Address
                  SubScalar: !Sub "${AWS::Region}/${AWS::AccountId}/${Stage}/${Queue.QueueName}/${Table}/${!Literal}"
                  SubList: !Sub ["${Greeting}-${Stage}", {Greeting: !Ref Secret}]
                  Join: !Join ["-", [a, !Ref Stage, 3]]
                  Select: !Select [1, [x, y, z]]
                  If: !If [IsProd, big, small]
                  Equals: !Equals [a, a]
                  Not: !Not [!Equals [a, b]]
                  FindInMap: !FindInMap [Sizes, !Ref Stage, memory]
                  Split: !Split [",", "a,b"]
                  Base64: !Base64 hello
                  ImportValue: !ImportValue shared-vpc
                  GetAZs: !GetAZs ""
                  Date: 2010-09-09
                  NoValue: !Ref AWS::NoValue
            """;

    private static final TemplateResolver.PhysicalResources FAKE = new TemplateResolver.PhysicalResources() {
        @Override
        public Optional<String> ref(String id) {
            return switch (id) {
                case "Table" -> Optional.of("ps-Table");
                case "Queue" -> Optional.of("http://sqs/000000000000/ps-Queue");
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<String> getAtt(String id, String attribute) {
            return switch (id + "." + attribute) {
                case "Queue.Arn" -> Optional.of("arn:aws:sqs:eu-west-1:000000000000:ps-Queue");
                case "Queue.QueueName" -> Optional.of("ps-Queue");
                case "Table.StreamArn" -> Optional.of("arn:stream");
                default -> Optional.empty();
            };
        }
    };

    @Test
    void shouldReadEveryShortFormTagIntoItsLongForm() {
        Map<String, Object> p = Template.parse(SHORT_FORMS).resource("Fn").orElseThrow().properties();

        assertThat(p.get("Ref")).isEqualTo(Map.of("Ref", "Table"));
        assertThat(p.get("GetAttScalar")).isEqualTo(Map.of("Fn::GetAtt", List.of("Queue", "Arn")));
        assertThat(p.get("GetAttList")).isEqualTo(Map.of("Fn::GetAtt", List.of("Table", "StreamArn")));
        assertThat(p.get("GetAttDotted")).isEqualTo(Map.of("Fn::GetAtt", List.of("Db", "Endpoint.Address")));
        assertThat(p.get("SubScalar")).isEqualTo(Map.of("Fn::Sub",
                "${AWS::Region}/${AWS::AccountId}/${Stage}/${Queue.QueueName}/${Table}/${!Literal}"));
        assertThat(p.get("SubList")).isEqualTo(Map.of("Fn::Sub", List.of("${Greeting}-${Stage}", Map.of("Greeting", Map.of("Ref", "Secret")))));
        assertThat(p.get("Join")).isEqualTo(Map.of("Fn::Join", List.of("-", List.of("a", Map.of("Ref", "Stage"), 3))));
        assertThat(p.get("Select")).isEqualTo(Map.of("Fn::Select", List.of(1, List.of("x", "y", "z"))));
        assertThat(p.get("If")).isEqualTo(Map.of("Fn::If", List.of("IsProd", "big", "small")));
        assertThat(p.get("Not")).isEqualTo(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of("a", "b")))));
        assertThat(p.get("FindInMap")).isEqualTo(Map.of("Fn::FindInMap", List.of("Sizes", Map.of("Ref", "Stage"), "memory")));
        assertThat(p.get("Split")).isEqualTo(Map.of("Fn::Split", List.of(",", "a,b")));
        assertThat(p.get("Base64")).isEqualTo(Map.of("Fn::Base64", "hello"));
        assertThat(p.get("ImportValue")).isEqualTo(Map.of("Fn::ImportValue", "shared-vpc"));
        assertThat(p.get("GetAZs")).isEqualTo(Map.of("Fn::GetAZs", ""));
        assertThat(p.get("Date")).as("dates stay strings, as in CloudFormation").isEqualTo("2010-09-09");
    }

    @Test
    void shouldResolveIntrinsicsAgainstPhysicalResources() {
        Template template = Template.parse(SHORT_FORMS);
        TemplateResolver resolver = new TemplateResolver(template, FAKE);
        Map<String, Object> p = Props.map(resolver.resolve(template.resource("Fn").orElseThrow().properties()));

        assertThat(p.get("Ref")).isEqualTo("ps-Table");
        assertThat(p.get("GetAttScalar")).isEqualTo("arn:aws:sqs:eu-west-1:000000000000:ps-Queue");
        assertThat(p.get("GetAttList")).isEqualTo("arn:stream");
        assertThat(p.get("GetAttDotted")).isEqualTo("local:Db.Endpoint.Address");
        assertThat(p.get("SubScalar")).isEqualTo("eu-west-1/000000000000/dev/ps-Queue/ps-Table/${Literal}");
        assertThat(p.get("SubList")).isEqualTo("local:Secret-dev");
        assertThat(p.get("Join")).isEqualTo("a-dev-3");
        assertThat(p.get("Select")).isEqualTo("y");
        assertThat(p.get("If")).isEqualTo("small");
        assertThat(p.get("Equals")).isEqualTo(true);
        assertThat(p.get("Not")).isEqualTo(true);
        assertThat(p.get("FindInMap")).isEqualTo(512);
        assertThat(p.get("Split")).isEqualTo(List.of("a", "b"));
        assertThat(p.get("Base64")).isEqualTo("aGVsbG8=");
        assertThat(p.get("ImportValue")).isEqualTo("local:import:shared-vpc");
        assertThat(p.get("GetAZs")).isEqualTo(List.of("eu-west-1a", "eu-west-1b", "eu-west-1c"));
        assertThat(p).doesNotContainKey("NoValue");
        assertThat(resolver.condition("IsNotProd")).isTrue();
    }

    @Test
    void shouldUseParameterOverridesAndPlaceholdersForUnemulatedResources() {
        Template template = Template.parse(SHORT_FORMS);
        TemplateResolver resolver = new TemplateResolver(template, FAKE, "eu-west-1", "000000000000", Map.of("Stage", "prod"));

        assertThat(resolver.resolve(Map.of("Ref", "Stage"))).isEqualTo("prod");
        assertThat(resolver.condition("IsProd")).isTrue();
        assertThat(resolver.resolve(Map.of("Ref", "Secret"))).isEqualTo("local:Secret");
        assertThat(resolver.resolve(Map.of("Fn::GetAtt", List.of("Secret", "Id")))).isEqualTo("local:Secret.Id");
        assertThat(resolver.resolveToString(Map.of("Ref", "Lifetime"))).isEqualTo("12");
        assertThatThrownBy(() -> resolver.resolve(Map.of("Ref", "Nope"))).hasMessageContaining("Nope");
    }

    @Test
    void shouldReadTheProjectTemplate() {
        Template template = Template.fromProject();

        assertThat(template.parameters()).containsKey("Stage");
        assertThat(template.parameters().get("Stage").defaultValue()).contains("dev");
        assertThat(template.globalsFunction()).containsKey("Environment");
        assertThat(template.resourcesOfType(LocalResources.TABLE)).extracting(Template.Resource::logicalId)
                .contains("SitesTable", "ConsentsTable");
        assertThat(template.resourcesOfType(LocalFunctions.TYPE)).isNotEmpty()
                .allSatisfy(f -> assertThat(f.string("Handler").or(() -> Props.string(template.globalsFunction(), "Handler")))
                        .as("Handler of %s", f.logicalId()).isPresent());
    }
}
