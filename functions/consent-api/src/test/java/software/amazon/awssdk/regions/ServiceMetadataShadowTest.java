package software.amazon.awssdk.regions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The consent function ships its own {@link GeneratedServiceMetadataProvider} in place of the SDK's eager one. It
 * must answer exactly as the SDK's does for every service prefix, and for the SDK version this build ships: the
 * SDK's class is loaded here from the regions jar itself, in a class loader of its own, and compared entry by entry.
 */
class ServiceMetadataShadowTest {

    private static Path regionsJar() throws Exception {
        Path jar = Path.of(Region.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar.getFileName().toString()).as("the regions classes come from the SDK's jar").endsWith(".jar");
        return jar;
    }

    /** Loads the regions package from the jar first, everything else (utils, annotations) from the test's loader. */
    private static final class JarFirst extends URLClassLoader {
        JarFirst(Path jar, ClassLoader parent) throws Exception {
            super(new URL[] {jar.toUri().toURL()}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("software.amazon.awssdk.regions.")) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    return c;
                }
                return super.loadClass(name, resolve);
            }
        }
    }

    /** The SDK's own table: prefix to the class of its metadata. */
    private static Map<String, String> sdkTable() throws Exception {
        try (JarFirst loader = new JarFirst(regionsJar(), ServiceMetadataShadowTest.class.getClassLoader())) {
            Class<?> sdk = loader.loadClass(GeneratedServiceMetadataProvider.class.getName());
            assertThat(sdk).isNotSameAs(GeneratedServiceMetadataProvider.class);
            Field field = sdk.getDeclaredField("SERVICE_METADATA");
            field.setAccessible(true);
            Map<String, String> table = new TreeMap<>();
            ((Map<?, ?>) field.get(null)).forEach((prefix, metadata) ->
                    table.put((String) prefix, metadata.getClass().getName()));
            return table;
        }
    }

    @Test
    void shouldRepeatTheTableOfTheSdkVersionThisBuildShips() throws Exception {
        assertThat(regionsJar().getFileName().toString())
                .as("a new SDK version: regenerate GeneratedServiceMetadataProvider from its regions jar")
                .isEqualTo("regions-" + GeneratedServiceMetadataProvider.SDK_VERSION + ".jar");
    }

    @Test
    void shouldGiveTheSameMetadataClassAsTheSdk_forEveryServicePrefix() throws Exception {
        Map<String, String> sdk = sdkTable();
        assertThat(sdk).hasSizeGreaterThan(300).containsKeys("dynamodb", "secretsmanager", "sqs", "email", "s3");
        Map<String, String> ours = new TreeMap<>();
        for (String prefix : sdk.keySet()) {
            ServiceMetadata metadata = GeneratedServiceMetadataProvider.create(prefix);
            ours.put(prefix, metadata == null ? null : metadata.getClass().getName());
        }
        assertThat(ours).isEqualTo(sdk);
        assertThat(GeneratedServiceMetadataProvider.create("no-such-service")).isNull();
        assertThat(new GeneratedServiceMetadataProvider().serviceMetadata(null)).isNull();
    }

    @Test
    void shouldKnowNoPrefixTheSdkDoesNotKnow() throws Exception {
        ClassModel model;
        try (InputStream in = GeneratedServiceMetadataProvider.class.getResourceAsStream(
                "GeneratedServiceMetadataProvider.class")) {
            model = ClassFile.of().parse(in.readAllBytes());
        }
        MethodModel create = model.methods().stream().filter(m -> m.methodName().equalsString("create"))
                .findFirst().orElseThrow();
        TreeSet<String> labels = new TreeSet<>();
        create.code().orElseThrow().forEach(element -> {
            if (element instanceof ConstantInstruction.LoadConstantInstruction load
                    && load.constantEntry() instanceof StringEntry s) {
                labels.add(s.stringValue());
            }
        });
        assertThat(labels).as("the switch's case labels").isEqualTo(new TreeSet<>(sdkTable().keySet()));
    }

    @Test
    void shouldBuildOneInstancePerService_andTheSdkShouldReachIt() throws IOException {
        GeneratedServiceMetadataProvider provider = new GeneratedServiceMetadataProvider();
        assertThat(provider.serviceMetadata("dynamodb")).isSameAs(provider.serviceMetadata("dynamodb"))
                .isNotSameAs(provider.serviceMetadata("secretsmanager"));
        // This module's classes precede the SDK's jar on the test classpath, as on Lambda (task root before lib/).
        assertThat(ServiceMetadata.of("dynamodb")).isSameAs(provider.serviceMetadata("dynamodb"));
        assertThat(ServiceMetadata.of("dynamodb").signingRegion(Region.EU_WEST_1)).isEqualTo(Region.EU_WEST_1);
        assertThat(ServiceMetadata.of("secretsmanager").endpointFor(Region.EU_WEST_1).toString())
                .isEqualTo("secretsmanager.eu-west-1.amazonaws.com");
    }
}
