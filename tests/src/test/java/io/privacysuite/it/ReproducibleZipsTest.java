package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.template.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The function zips are reproducible: a second packaging of the same sources, in another folder and at another
 * time, gives byte-identical zips. sam deploy names uploads by content, so unchanged code keeps its S3 key and SAM
 * publishes no needless Lambda version (see SamTransformTest for what does publish one).
 */
class ReproducibleZipsTest {
    static final Path ROOT = Template.projectRoot();

    @TempDir
    Path copy;

    @Test
    void packagingTheSameSourcesAgain_shouldGiveByteIdenticalZips() throws Exception {
        Map<String, String> built = zipDigests(ROOT);
        assertThat(built).as("zips of this build (run the tests with -am)").hasSizeGreaterThanOrEqualTo(8);
        copySources(copy);

        List<String> command = new ArrayList<>(List.of(copy.resolve("mvnw").toString(), "-B", "-q", "-o",
                "-Dmaven.test.skip=true", "package", "-pl", String.join(",", functionModules(ROOT)), "-am"));
        String dataMap = System.getProperty("privacysuite.dataMap", "");
        if (!dataMap.isBlank()) {
            command.add("-Dprivacysuite.dataMap="
                    + Path.of(System.getProperty("privacysuite.buildRoot", ROOT.toString())).resolve(dataMap));
        }
        ExternalTool.Result rebuild = ExternalTool.run(copy, "", command);

        assertThat(rebuild.exitCode()).as("second packaging: %s%s", rebuild.stdout(), rebuild.stderr()).isZero();
        assertThat(zipDigests(copy)).isEqualTo(built);
    }

    private static List<String> functionModules(Path root) throws IOException {
        try (Stream<Path> modules = Files.list(root.resolve("functions"))) {
            return modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
                    .map(m -> "functions/" + m.getFileName()).sorted().toList();
        }
    }

    /** functions/x/target/x.zip to its SHA-256. */
    private static Map<String, String> zipDigests(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String module : functionModules(root)) {
            String name = module.substring("functions/".length());
            Path zip = root.resolve(module).resolve("target").resolve(name + ".zip");
            if (Files.isRegularFile(zip)) {
                out.put(root.relativize(zip).toString(), sha256(zip));
            }
        }
        return out;
    }

    /** What the function modules' build reads: the parent and module poms, functions/ and config/, without target/. */
    private static void copySources(Path target) throws IOException {
        for (String file : List.of("pom.xml", "mvnw", "infrastructure/pom.xml", "tests/pom.xml")) {
            Files.createDirectories(target.resolve(file).getParent());
            Files.copy(ROOT.resolve(file), target.resolve(file), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        for (String dir : List.of("functions", "config")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    Path relative = ROOT.relativize(p);
                    if (!relative.toString().contains("/target/")) {
                        Files.createDirectories(target.resolve(relative).getParent());
                        Files.copy(p, target.resolve(relative));
                    }
                }
            }
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
