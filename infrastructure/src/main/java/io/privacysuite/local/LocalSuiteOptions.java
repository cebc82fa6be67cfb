package io.privacysuite.local;

import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.template.LocalResources;
import io.privacysuite.local.template.Template;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** How {@link LocalSuite#start(LocalSuiteOptions)} runs the suite. Mutable builder; every setter returns this. */
public final class LocalSuiteOptions {
    public static final int NO_HTTP = -1;

    private Optional<AwsEndpoints> endpoints = Optional.empty();
    private Optional<Template> template = Optional.empty();
    private Optional<Path> projectRoot = Optional.empty();
    private String prefix = LocalResources.DEFAULT_PREFIX;
    private int httpPort = 0;
    private boolean eventSources = true;
    private final Map<String, String> parameters = new HashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> functionEnv = new HashMap<>();
    private final Map<String, Object> handlers = new LinkedHashMap<>();
    private final List<Consumer<LocalSuite>> onStarted = new ArrayList<>();

    public static LocalSuiteOptions defaults() {
        return new LocalSuiteOptions();
    }

    /** Use emulators that are already running (they are not closed with the stack); default: start embedded ones. */
    public LocalSuiteOptions endpoints(AwsEndpoints endpoints) {
        this.endpoints = Optional.of(endpoints);
        return this;
    }

    /** Use this template instead of the project's template.yaml (tests use small inline templates). */
    public LocalSuiteOptions template(Template template) {
        this.template = Optional.of(template);
        return this;
    }

    /** Where template.yaml, events/ and infrastructure/ses-local live; default: found from the working directory. */
    public LocalSuiteOptions projectRoot(Path projectRoot) {
        this.projectRoot = Optional.of(projectRoot);
        return this;
    }

    /** Prefix of table, queue and function names; distinct prefixes let several stacks share one set of emulators. */
    public LocalSuiteOptions prefix(String prefix) {
        this.prefix = prefix;
        return this;
    }

    /** Port of the HTTP API: 0 for an ephemeral one (default), {@link #NO_HTTP} for none. */
    public LocalSuiteOptions httpPort(int httpPort) {
        this.httpPort = httpPort;
        return this;
    }

    /** Whether to start SQS/stream pollers and schedules (default true). */
    public LocalSuiteOptions eventSources(boolean enabled) {
        this.eventSources = enabled;
        return this;
    }

    /** Overrides a template parameter's Default. */
    public LocalSuiteOptions parameter(String name, String value) {
        parameters.put(name, value);
        return this;
    }

    /** An environment variable for every function (wins over the template and local-env.properties). */
    public LocalSuiteOptions env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** An environment variable for one function (wins over everything else). */
    public LocalSuiteOptions env(String functionLogicalId, String name, String value) {
        functionEnv.computeIfAbsent(functionLogicalId, k -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    /** Serve a function with this handler instance (RequestHandler or RequestStreamHandler) instead of its Handler class. */
    public LocalSuiteOptions handler(String functionLogicalId, Object handler) {
        handlers.put(functionLogicalId, handler);
        return this;
    }

    /** Runs after everything is up (e.g. to seed data); several hooks run in order. */
    public LocalSuiteOptions onStarted(Consumer<LocalSuite> hook) {
        onStarted.add(hook);
        return this;
    }

    Optional<AwsEndpoints> endpoints() {
        return endpoints;
    }

    Optional<Template> template() {
        return template;
    }

    Optional<Path> projectRoot() {
        return projectRoot;
    }

    String prefix() {
        return prefix;
    }

    int httpPort() {
        return httpPort;
    }

    boolean eventSources() {
        return eventSources;
    }

    Map<String, String> parameters() {
        return parameters;
    }

    Map<String, String> env() {
        return env;
    }

    Map<String, Map<String, String>> functionEnv() {
        return functionEnv;
    }

    Map<String, Object> handlers() {
        return handlers;
    }

    List<Consumer<LocalSuite>> onStartedHooks() {
        return onStarted;
    }
}
