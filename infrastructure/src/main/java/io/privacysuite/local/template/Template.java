package io.privacysuite.local.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * template.yaml as data: Parameters, Conditions, Mappings, Globals.Function and Resources. CloudFormation short-form
 * tags ({@code !Ref}, {@code !GetAtt}, {@code !Sub}, ...) are read into their long form ({@code {"Ref": x}},
 * {@code {"Fn::GetAtt": [a, b]}}, ...) so that {@link TemplateResolver} deals with one shape only.
 */
public final class Template {
    public static final String FILE_NAME = "template.yaml";
    public static final String ROOT_PROPERTY = "privacysuite.root";

    private final Map<String, Object> root;

    private Template(Map<String, Object> root) {
        this.root = Collections.unmodifiableMap(root);
    }

    /** The template of the project this JVM runs in. */
    public static Template fromProject() {
        return load(projectRoot().resolve(FILE_NAME));
    }

    public static Template load(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static Template parse(String yaml) {
        Object document = newYaml().load(yaml);
        if (!(document instanceof Map)) {
            throw new IllegalArgumentException("a template must be a YAML mapping");
        }
        return new Template(Props.map(document));
    }

    /**
     * The folder holding template.yaml: {@code -Dprivacysuite.root}, else the nearest ancestor of the working directory
     * that has one (Maven runs each module in its own folder, so tests in {@code infrastructure/} or {@code tests/} find
     * the root one level up).
     */
    public static Path projectRoot() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(root.resolve(FILE_NAME))) {
                throw new IllegalStateException(ROOT_PROPERTY + " points to a folder without " + FILE_NAME + ": " + root);
            }
            return root;
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE_NAME))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + FILE_NAME + " in " + start + " or its parents; set -D" + ROOT_PROPERTY);
    }

    public Map<String, Object> raw() {
        return root;
    }

    public Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Props.map(root, "Parameters").forEach((name, body) -> {
            Map<String, Object> p = Props.map(body);
            out.put(name, new Parameter(name, Props.string(p, "Type").orElse("String"), Props.string(p, "Default")));
        });
        return out;
    }

    public Map<String, Object> conditions() {
        return Props.map(root, "Conditions");
    }

    public Map<String, Object> mappings() {
        return Props.map(root, "Mappings");
    }

    /** {@code Globals.Function}: defaults SAM merges into every {@code AWS::Serverless::Function}. */
    public Map<String, Object> globalsFunction() {
        return Props.map(Props.map(root, "Globals"), "Function");
    }

    /** Resources by logical id, in template order. */
    public Map<String, Resource> resources() {
        Map<String, Resource> out = new LinkedHashMap<>();
        Props.map(root, "Resources").forEach((id, body) -> {
            Map<String, Object> r = Props.map(body);
            out.put(id, new Resource(id, Props.string(r, "Type").orElse(""), Props.map(r, "Properties"),
                    Props.string(r, "Condition")));
        });
        return out;
    }

    public Optional<Resource> resource(String logicalId) {
        return Optional.ofNullable(resources().get(logicalId));
    }

    public List<Resource> resourcesOfType(String type) {
        List<Resource> out = new ArrayList<>();
        for (Resource r : resources().values()) {
            if (r.type().equals(type)) {
                out.add(r);
            }
        }
        return out;
    }

    public Map<String, Object> outputs() {
        return Props.map(root, "Outputs");
    }

    public record Parameter(String name, String type, Optional<String> defaultValue) {}

    /** One resource; {@code properties} are unresolved (they may still contain intrinsic functions). */
    public record Resource(String logicalId, String type, Map<String, Object> properties, Optional<String> condition) {
        public Map<String, Object> map(String key) {
            return Props.map(properties, key);
        }

        public Optional<String> string(String key) {
            return Props.string(properties, key);
        }
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(200);
        return new Yaml(new CfnConstructor(options), new Representer(new DumperOptions()), new DumperOptions(),
                options, new NoTimestampResolver());
    }

    /** CloudFormation keeps unquoted dates as strings; YAML 1.1 would turn them into java.util.Date. */
    private static final class NoTimestampResolver extends Resolver {
        @Override
        public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
            if (!Tag.TIMESTAMP.equals(tag)) {
                super.addImplicitResolver(tag, regexp, first, limit);
            }
        }
    }

    /** Maps every short-form tag to its long form. */
    private static final class CfnConstructor extends SafeConstructor {
        CfnConstructor(LoaderOptions options) {
            super(options);
            register("!Ref", "Ref");
            register("!Condition", "Condition");
            for (String fn : List.of("Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split",
                    "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString")) {
                register("!" + fn, "Fn::" + fn);
            }
            yamlConstructors.put(new Tag("!GetAtt"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    Object value;
                    if (node instanceof ScalarNode scalar) {
                        // "Resource.Attribute": split at the first dot only, attributes may contain dots (Endpoint.Port).
                        String text = constructScalar(scalar);
                        int dot = text.indexOf('.');
                        if (dot < 0) {
                            throw new IllegalArgumentException("!GetAtt needs Resource.Attribute, got " + text);
                        }
                        value = List.of(text.substring(0, dot), text.substring(dot + 1));
                    } else {
                        value = constructAny(node);
                    }
                    return longForm("Fn::GetAtt", value);
                }
            });
        }

        private void register(String tag, String function) {
            yamlConstructors.put(new Tag(tag), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    return longForm(function, constructAny(node));
                }
            });
        }

        private Object constructAny(Node node) {
            if (node instanceof ScalarNode scalar) {
                return constructScalar(scalar);
            }
            if (node instanceof SequenceNode sequence) {
                return new ArrayList<>(constructSequence(sequence));
            }
            return new LinkedHashMap<>(constructMapping((MappingNode) node));
        }

        private static Map<String, Object> longForm(String function, Object argument) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put(function, argument);
            return map;
        }
    }
}
