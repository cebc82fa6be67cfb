package io.privacysuite.local.runtime;

import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.template.Props;
import io.privacysuite.local.template.Template;
import io.privacysuite.local.template.TemplateResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every {@code AWS::Serverless::Function} of the template, runnable in this JVM. A function's environment is, later
 * entries winning: Globals.Function variables, its own variables (both resolved against the local resources), the
 * variables Lambda itself sets, the emulator endpoints, {@code local-env.properties}, then programmatic overrides.
 */
public final class LocalFunctions {
    public static final String TYPE = "AWS::Serverless::Function";
    public static final String LOCAL_ENV_RESOURCE = "local-env.properties";

    private static final LocalLog LOG = LocalLog.get(LocalFunctions.class);

    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final Path projectRoot;

    /**
     * @param overrides          applied to every function
     * @param functionOverrides  per logical id, applied last
     */
    public LocalFunctions(Template template, TemplateResolver resolver, AwsEndpoints endpoints, String prefix,
                          Path projectRoot, Map<String, String> overrides, Map<String, Map<String, String>> functionOverrides) {
        this.projectRoot = projectRoot;
        Map<String, Object> globals = template.globalsFunction();
        Map<String, String> local = localEnv();
        for (Template.Resource resource : template.resourcesOfType(TYPE)) {
            if (!resolver.isDeployed(resource)) {
                continue;
            }
            Map<String, Object> p = resource.properties();
            String id = resource.logicalId();
            String name = Props.string(p, "FunctionName").map(n -> resolver.resolveToString(p.get("FunctionName")))
                    .orElse(prefix + id);
            String arn = functionArn(resolver.region(), resolver.accountId(), name);
            String handler = Props.string(p, "Handler").or(() -> Props.string(globals, "Handler"))
                    .orElseThrow(() -> new IllegalStateException(id + " has no Handler"));
            int timeout = Props.integer(p, "Timeout").or(() -> Props.integer(globals, "Timeout")).orElse(3);
            int memory = Props.integer(p, "MemorySize").or(() -> Props.integer(globals, "MemorySize")).orElse(128);

            Map<String, String> env = new TreeMap<>();
            putResolved(env, Props.map(Props.map(globals, "Environment"), "Variables"), resolver);
            putResolved(env, Props.map(Props.map(p, "Environment"), "Variables"), resolver);
            env.put("AWS_LAMBDA_FUNCTION_NAME", name);
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(memory));
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + name);
            env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
            Map<String, Object> logging = new LinkedHashMap<>(Props.map(globals, "LoggingConfig"));
            logging.putAll(Props.map(p, "LoggingConfig"));
            boolean jsonLogs = "JSON".equals(Props.string(logging, "LogFormat").orElse("Text"));
            if (jsonLogs) {
                // What Lambda sets for advanced logging controls.
                env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
                env.put("AWS_LAMBDA_LOG_LEVEL", Props.string(logging, "ApplicationLogLevel").orElse("INFO"));
            }
            env.putAll(endpoints.asEnv());
            env.putAll(local);
            env.putAll(overrides);
            env.putAll(functionOverrides.getOrDefault(id, Map.of()));
            env.forEach((k, v) -> {
                if (v.contains("{{resolve:")) {
                    LOG.warn("%s: %s is a CloudFormation dynamic reference: a secret in the environment; pass the secret's "
                            + "ARN (<NAME>_SECRET_ARN) and read it through core Secrets", id, k);
                }
            });
            LogLevel level = jsonLogs ? LogLevel.fromString(env.getOrDefault("AWS_LAMBDA_LOG_LEVEL", "INFO")) : LogLevel.UNDEFINED;

            List<LocalFunction.Event> events = new ArrayList<>();
            Props.map(p, "Events").forEach((eventName, body) -> {
                Map<String, Object> e = Props.map(body);
                events.add(new LocalFunction.Event(eventName, Props.string(e, "Type").orElse(""), Props.map(e, "Properties")));
            });
            functions.put(id, new LocalFunction(id, name, arn, handler, Duration.ofSeconds(timeout), memory,
                    Env.of(env), events, level));
        }
    }

    public static String functionArn(String region, String account, String name) {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
    }

    /** The values of {@code local-env.properties} on the classpath (settings only a local run needs; never secrets). */
    public static Map<String, String> localEnv() {
        Properties properties = new Properties();
        try (InputStream in = LocalFunctions.class.getResourceAsStream("/" + LOCAL_ENV_RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOCAL_ENV_RESOURCE, e);
        }
        Map<String, String> out = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> out.put(k, properties.getProperty(k).trim()));
        return out;
    }

    public Set<String> logicalIds() {
        return functions.keySet();
    }

    public LocalFunction get(String logicalId) {
        LocalFunction function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("no function " + logicalId + " in the template; known: " + functions.keySet());
        }
        return function;
    }

    public Optional<LocalFunction> find(String logicalId) {
        return Optional.ofNullable(functions.get(logicalId));
    }

    public List<LocalFunction> all() {
        return List.copyOf(functions.values());
    }

    /** The environment the function's handler is constructed with. */
    public Env env(String logicalId) {
        return get(logicalId).env();
    }

    /**
     * Replaces a function's handler with {@code handler} (a RequestHandler or RequestStreamHandler), e.g. a test double;
     * event sources and the HTTP API then call it. The input type comes from the class's generic interface, so register
     * a class (named or anonymous): a lambda's type arguments are erased and it receives plain maps.
     */
    public void register(String logicalId, Object handler) {
        get(logicalId).use(handler);
    }

    /** Invokes a function; see {@link LocalFunction#invoke(Object)}. */
    public Object invoke(String logicalId, Object eventOrJson) {
        return get(logicalId).invoke(eventOrJson);
    }

    public JsonNode invokeForJson(String logicalId, Object eventOrJson) {
        return get(logicalId).invokeForJson(eventOrJson);
    }

    /** Invokes with a JSON event file such as {@code events/consent-admin/register-site.json} (relative to the project root). */
    public Object invokeEventFile(String logicalId, String eventFile) {
        Path file = projectRoot.resolve(eventFile);
        try {
            return invoke(logicalId, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event file " + file, e);
        }
    }

    private static void putResolved(Map<String, String> env, Map<String, Object> variables, TemplateResolver resolver) {
        variables.forEach((k, v) -> env.put(k, resolver.resolveToString(v)));
    }
}
