package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.template.Template;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Each function's zip holds only the jars its handlers can reach, and every class they can reach is in it. From
 * the handlers the template names (and every service provider and SDK interceptor the zip declares), the classes
 * each class's constant pool names (references, signatures, and strings that spell a class, as for
 * {@code Class.forName}) are followed through the zip. A reachable class that the zip lacks but this build knows
 * (another zip or the test classpath) would be a NoClassDefFoundError on some path on Lambda; a jar none of whose
 * classes is reachable is weight. The analysis over-approximates: it follows code no request may run.
 */
class ArtifactContentsTest {
    private static final Template TEMPLATE = Template.fromProject();
    private static final Path ROOT = Template.projectRoot();
    /** The SDK's CRT-based signers and clients: used only when the AWS CRT is present, which no zip ships. */
    private static final List<String> OPTIONAL = List.of("software/amazon/awssdk/crt/", "software/amazon/awssdk/crtcore/");
    private static final Pattern DESCRIPTOR = Pattern.compile("L([\\w$]+(?:/[\\w$]+)+);");

    @Test
    void everyReachableClassIsInItsZip_andEveryJarInAZipIsReached() throws IOException {
        Map<String, Artifact> artifacts = artifacts();
        assertThat(artifacts).hasSizeGreaterThanOrEqualTo(8);
        Set<String> known = new HashSet<>();
        artifacts.values().forEach(a -> known.addAll(a.classes.keySet()));

        Map<String, Set<String>> missing = new TreeMap<>();
        Map<String, Set<String>> unreached = new TreeMap<>();
        for (Map.Entry<String, Artifact> e : artifacts.entrySet()) {
            Artifact artifact = e.getValue();
            Set<String> reached = artifact.reachable();
            Set<String> lacking = new TreeSet<>();
            for (String name : reached) {
                if (!artifact.classes.containsKey(name) && !jdk(name) && OPTIONAL.stream().noneMatch(name::startsWith)
                        && (known.contains(name) || onTestClasspath(name))) {
                    lacking.add(name);
                }
            }
            if (!lacking.isEmpty()) {
                missing.put(e.getKey(), lacking);
            }
            Set<String> jars = new TreeSet<>(artifact.classes.values());
            reached.stream().map(artifact.classes::get).filter(java.util.Objects::nonNull).forEach(jars::remove);
            jars.remove(FUNCTION_CLASSES);
            if (!jars.isEmpty()) {
                unreached.put(e.getKey(), jars);
            }
        }
        assertThat(missing).as("classes the handlers can reach but their zip lacks").isEmpty();
        assertThat(unreached).as("jars no handler of the zip can reach").isEmpty();
    }

    @Test
    void theAnalysisFindsWhatAHandlerNeeds() throws IOException {
        // The check above is only worth something if the walk really follows references: the consent function
        // reaches the SDK's DynamoDB client, Jackson and the HMAC secret's Secrets Manager client.
        Artifact consent = artifacts().get("functions/consent-api/target/consent-api.zip");
        Set<String> reached = consent.reachable();
        assertThat(reached).contains("software/amazon/awssdk/services/dynamodb/DefaultDynamoDbClient",
                "software/amazon/awssdk/services/secretsmanager/DefaultSecretsManagerClient",
                "com/fasterxml/jackson/databind/ObjectMapper",
                "software/amazon/awssdk/http/urlconnection/UrlConnectionSdkHttpService");
        assertThat(reached).doesNotContain("software/amazon/awssdk/services/sqs/DefaultSqsClient");
    }

    private static final String FUNCTION_CLASSES = "(function classes)";

    private static Map<String, Artifact> artifacts() throws IOException {
        Map<String, Artifact> artifacts = new LinkedHashMap<>();
        for (Template.Resource fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            String zip = fn.string("CodeUri").orElseThrow();
            String handler = fn.string("Handler").orElseThrow();
            Artifact artifact = artifacts.get(zip);
            if (artifact == null) {
                artifact = Artifact.read(ROOT.resolve(zip));
                artifacts.put(zip, artifact);
            }
            artifact.roots.add(handler.substring(0, handler.indexOf("::")).replace('.', '/'));
        }
        return artifacts;
    }

    private static boolean jdk(String name) {
        return ClassLoader.getPlatformClassLoader().getResource(name + ".class") != null;
    }

    private static boolean onTestClasspath(String name) {
        return ArtifactContentsTest.class.getClassLoader().getResource(name + ".class") != null;
    }

    private static final class Artifact {
        /** Class (internal name) to the jar it comes from, the first on Lambda's classpath winning. */
        final Map<String, String> classes = new HashMap<>();
        final Map<String, byte[]> bytes = new HashMap<>();
        final Set<String> roots = new TreeSet<>();

        static Artifact read(Path zip) throws IOException {
            Artifact artifact = new Artifact();
            try (ZipFile file = new ZipFile(zip.toFile())) {
                for (ZipEntry entry : Collections.list(file.entries())) {
                    if (entry.isDirectory()) {
                        continue;
                    }
                    byte[] content = file.getInputStream(entry).readAllBytes();
                    if (entry.getName().startsWith("lib/") && entry.getName().endsWith(".jar")) {
                        String jar = entry.getName().substring("lib/".length());
                        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(content))) {
                            for (ZipEntry inner = in.getNextEntry(); inner != null; inner = in.getNextEntry()) {
                                artifact.add(jar, inner.getName(), in.readAllBytes());
                            }
                        }
                    } else {
                        artifact.add(FUNCTION_CLASSES, entry.getName(), content);
                    }
                }
            }
            return artifact;
        }

        private void add(String source, String name, byte[] content) {
            if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                String className = name.substring(0, name.length() - ".class".length());
                if (!classes.containsKey(className) || source.equals(FUNCTION_CLASSES)) {
                    classes.put(className, source);
                    bytes.put(className, content);
                }
            } else if (name.startsWith("META-INF/services/") || name.endsWith("/execution.interceptors")) {
                // Loaded by name at run time (ServiceLoader, the SDK's interceptor chain): each provider is a root.
                for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
                    String provider = line.replaceAll("#.*", "").strip();
                    if (!provider.isEmpty()) {
                        roots.add(provider.replace('.', '/'));
                    }
                }
            }
        }

        Set<String> reachable() {
            Set<String> seen = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(roots);
            while (!todo.isEmpty()) {
                String name = todo.poll();
                if (!seen.add(name)) {
                    continue;
                }
                byte[] content = bytes.get(name);
                if (content == null) {
                    continue;
                }
                ClassModel model = ClassFile.of().parse(content);
                for (PoolEntry entry : model.constantPool()) {
                    if (entry instanceof ClassEntry type) {
                        String referenced = type.asInternalName();
                        int array = referenced.lastIndexOf('[');
                        if (array >= 0) {
                            referenced = referenced.substring(array + 1);
                            if (!referenced.startsWith("L")) {
                                continue;
                            }
                            referenced = referenced.substring(1, referenced.length() - 1);
                        }
                        todo.add(referenced);
                    } else if (entry instanceof Utf8Entry text) {
                        String value = text.stringValue();
                        Matcher descriptor = DESCRIPTOR.matcher(value);
                        while (descriptor.find()) {
                            todo.add(descriptor.group(1));
                        }
                        String spelled = value.replace('.', '/');
                        if (classes.containsKey(spelled)) {
                            todo.add(spelled);
                        }
                    }
                }
            }
            return seen;
        }
    }
}
