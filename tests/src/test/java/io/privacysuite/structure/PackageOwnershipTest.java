package io.privacysuite.structure;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java package lives in one Maven module. A package split across modules hides a dependency (code reaches
 * another module's classes without an import saying so) and breaks as soon as a module becomes a JPMS module or a
 * separate artifact. Test code counts too: a module's tests may share its own main packages (package-private access),
 * but a test that declares another module's package reaches into that module the same way.
 */
class PackageOwnershipTest {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    @Test
    void everyPackageShouldLiveInExactlyOneModule() throws IOException {
        Map<String, Set<String>> modulesByPackage = modulesByPackage(Template.projectRoot());

        assertThat(modulesByPackage).as("packages found").containsKeys("io.privacysuite.core",
                "io.privacysuite.consent", "io.privacysuite.notify", "io.privacysuite.requests");
        assertThat(split(modulesByPackage)).as("packages declared in more than one module").isEmpty();
    }

    @Test
    void shouldReportAPackageDeclaredInTwoModules(@TempDir Path root) throws IOException {
        write(root, "functions/a/src/main/java/x/shared/A.java", "package x.shared;\nclass A {}\n");
        write(root, "functions/b/src/main/java/x/shared/B.java", "package x.shared;\nclass B {}\n");
        write(root, "functions/b/src/test/java/x/own/BTest.java", "package x.own;\nclass BTest {}\n");
        write(root, "functions/c/src/test/java/x/own/CTest.java", "package x.own;\nclass CTest {}\n");
        write(root, "functions/c/src/main/java/x/c/C.java", "package x.c;\nclass C {}\n");
        write(root, "functions/c/src/test/java/x/c/CTest.java", "package x.c;\nclass CTest {}\n");

        assertThat(split(modulesByPackage(root))).containsOnlyKeys("x.shared", "x.own")
                .containsEntry("x.shared", Set.of("functions/a", "functions/b"));
    }

    /** Package name to the modules (folders holding src/main/java or src/test/java) that declare it. */
    static Map<String, Set<String>> modulesByPackage(Path root) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                int src = relative.indexOf("/src/");
                if (relative.contains("/target/") || relative.contains("node_modules/") || src < 0
                        || !(relative.startsWith("src/main/java/", src + 1) || relative.startsWith("src/test/java/", src + 1))) {
                    continue;
                }
                Matcher m = PACKAGE.matcher(Files.readString(file));
                String pkg = m.find() ? m.group(1) : "(default package)";
                out.computeIfAbsent(pkg, k -> new TreeSet<>()).add(relative.substring(0, src));
            }
        }
        return out;
    }

    private static Map<String, Set<String>> split(Map<String, Set<String>> modulesByPackage) {
        Map<String, Set<String>> split = new TreeMap<>();
        modulesByPackage.forEach((pkg, modules) -> {
            if (modules.size() > 1) {
                split.put(pkg, modules);
            }
        });
        return split;
    }

    private static void write(Path root, String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }
}
