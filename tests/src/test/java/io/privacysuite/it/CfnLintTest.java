package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.local.template.Template;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * cfn-lint checks template.yaml as AWS would (it runs the real SAM transform, then validates every resource against
 * the CloudFormation schemas of the regions below), including its informational and experimental rules. A finding
 * is fixed, or suppressed in the template with the reason next to it (a resource's Metadata: cfn-lint: config:
 * ignore_checks), never ignored here.
 */
class CfnLintTest {
    static final Path ROOT = Template.projectRoot();
    /** us-east-1 is where AWS ships first; the EU regions are where the suite's data is promised to stay. */
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "eu-central-1");

    @Test
    void templateShouldHaveNoFinding_includingInformationalAndExperimentalRules() {
        List<String> command = new java.util.ArrayList<>(List.of("cfn-lint", "--format", "parseable",
                "--include-checks", "I", "--include-experimental", "--regions"));
        command.addAll(REGIONS);
        command.addAll(List.of("--", Template.FILE_NAME));

        ExternalTool.Result lint = ExternalTool.run(ROOT, "", command);

        assertThat(lint.stdout().lines().toList()).as("cfn-lint findings (%s)", lint.stderr().strip()).isEmpty();
        assertThat(lint.exitCode()).as("cfn-lint exit code; stderr: %s", lint.stderr()).isZero();
    }

    @Test
    void aMissingTool_shouldFailWithWhatToInstall_notSkip() {
        assertThatThrownBy(() -> ExternalTool.run(ROOT, "", List.of("cfn-lint-not-installed-here", "--version")))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("cfn-lint-not-installed-here is not installed")
                .hasMessageContaining("pip install cfn-lint");
    }
}
