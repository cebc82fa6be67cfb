package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.Env;
import io.privacysuite.fulfilment.DataMap;
import io.privacysuite.fulfilment.DataMapBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A company's realistic data map (50 sources: CRM, app accounts, billing, shop, work orders, support, marketing,
 * eleven SaaS tools behind webhooks and the suite's own data) goes the way a deployed one does: checked and bundled
 * by the build step, loaded by the processor. It is several times the 4 KB a CloudFormation parameter value or a
 * function's whole environment may hold; the environment it still needs is checked in {@link SamTransformTest}.
 */
class DataMapAtScaleTest {
    static final String FILE = "data-map-50-sources.json";

    @TempDir
    Path classes;

    @Test
    void a50SourceMap_shouldBundle_load_andResolveItsSecretsFromTheEnvironment() throws Exception {
        Path source = Path.of(DataMapAtScaleTest.class.getResource("/" + FILE).toURI());
        String json = Files.readString(source);

        DataMap bundled = DataMapBundle.bundle(source, classes);
        Path written = classes.resolve(DataMap.RESOURCE);
        Map<String, String> env = new HashMap<>();
        DataMap.variables(json).forEach(name -> env.put(name, "secret-of-" + name));
        env.put(DataMap.FILE_VARIABLE, written.toString());
        DataMap loaded = DataMap.load(Env.of(env));

        assertThat(bundled.sources()).hasSize(50);
        assertThat(loaded).isEqualTo(DataMap.parse(json, Env.of(env)));
        assertThat(Files.size(written)).as("compact form, bytes").isGreaterThan(3 * 4096);
        assertThat(loaded.sources().stream().collect(Collectors.groupingBy(DataMap.Source::kind, Collectors.counting())))
                .containsEntry(DataMap.Kind.DYNAMODB, 36L).containsEntry(DataMap.Kind.WEBHOOK, 11L)
                .containsEntry(DataMap.Kind.SUITE, 3L);
        assertThat(loaded.sources()).filteredOn(s -> s.kind() == DataMap.Kind.WEBHOOK)
                .allSatisfy(s -> assertThat(s.secret()).startsWith("secret-of-").endsWith("_WEBHOOK_SECRET"));
        assertThat(loaded.sources()).filteredOn(s -> s.erasure().mode() == DataMap.ErasureMode.RETAIN)
                .allSatisfy(s -> assertThat(s.erasure().legalBasis()).isNotBlank());
        assertThat(Files.readString(written, StandardCharsets.UTF_8)).doesNotContain("\n");
    }
}
