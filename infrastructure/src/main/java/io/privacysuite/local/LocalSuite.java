package io.privacysuite.local;

import io.privacysuite.core.Env;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.local.api.ApiDocs;
import io.privacysuite.local.api.HttpApiServer;
import io.privacysuite.local.api.HttpRoute;
import io.privacysuite.local.api.InvokeEndpoint;
import io.privacysuite.local.api.StaticPages;
import io.privacysuite.local.api.StaticPages.Page;
import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.emulators.EmbeddedEmulators;
import io.privacysuite.local.emulators.LocalAwsClients;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.local.events.EventSources;
import io.privacysuite.local.runtime.LocalFunctions;
import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.runtime.LocalLogging;
import io.privacysuite.local.template.LocalResources;
import io.privacysuite.local.template.Template;
import io.privacysuite.local.template.TemplateResolver;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The whole suite on one machine, built from template.yaml: emulators, tables and queues, functions, the HTTP API and
 * the event sources. {@code close()} stops them in reverse order.
 *
 * <pre>{@code
 * try (LocalSuite stack = LocalSuite.start(LocalSuiteOptions.defaults())) {
 *     HttpClient.newHttpClient().send(HttpRequest.newBuilder(stack.httpBaseUri().resolve("/v1/...")) ...);
 * }
 * }</pre>
 */
public final class LocalSuite implements AutoCloseable {
    private static final LocalLog LOG = LocalLog.get(LocalSuite.class);
    /** The template parameter every emailed link is built from; locally the plain-http loopback API. */
    static final String PUBLIC_BASE_URL = "PublicBaseUrl";

    static {
        LocalLogging.configure();
    }

    private final AwsEndpoints endpoints;
    private final Optional<EmbeddedEmulators> ownedEmulators;
    private final LocalAwsClients clients;
    private final Template template;
    private final Path projectRoot;
    private final LocalResources resources;
    private final TemplateResolver resolver;
    private final LocalFunctions functions;
    private final Optional<HttpApiServer> http;
    private final Optional<EventSources> eventSources;
    private final Mailbox mailbox;
    private final Duration startupTime;

    private LocalSuite(Builder b) {
        this.endpoints = b.endpoints;
        this.ownedEmulators = b.ownedEmulators;
        this.clients = b.clients;
        this.template = b.template;
        this.projectRoot = b.projectRoot;
        this.resources = b.resources;
        this.resolver = b.resolver;
        this.functions = b.functions;
        this.http = b.http;
        this.eventSources = b.eventSources;
        this.mailbox = new Mailbox(endpoints.ses());
        this.startupTime = b.startupTime;
    }

    /** Everything the options ask for; on failure whatever started is stopped again. */
    public static LocalSuite start(LocalSuiteOptions options) {
        long begin = System.nanoTime();
        Builder b = new Builder();
        try {
            b.projectRoot = options.projectRoot().orElseGet(Template::projectRoot);
            if (options.endpoints().isPresent()) {
                b.endpoints = options.endpoints().get();
                b.ownedEmulators = Optional.empty();
            } else {
                EmbeddedEmulators emulators = EmbeddedEmulators.start(b.projectRoot.resolve("infrastructure").resolve("ses-local"));
                b.ownedEmulators = Optional.of(emulators);
                b.endpoints = emulators;
            }
            b.clients = new LocalAwsClients(b.endpoints);
            b.template = options.template().orElseGet(() -> Template.load(b.projectRoot.resolve(Template.FILE_NAME)));
            // Emailed links point at this API: its port is bound before the functions' environments are built.
            b.http = options.httpPort() == LocalSuiteOptions.NO_HTTP ? Optional.empty()
                    : Optional.of(HttpApiServer.bind(options.httpPort(), TemplateResolver.DEFAULT_ACCOUNT));
            java.util.Map<String, String> parameters = new java.util.HashMap<>(options.parameters());
            if (b.template.parameters().containsKey(PUBLIC_BASE_URL)) {
                parameters.putIfAbsent(PUBLIC_BASE_URL, b.http.map(h -> h.baseUri().toString()).orElse("http://127.0.0.1"));
            }
            b.resources = LocalResources.create(b.template, LocalResources.Clients.of(b.clients), options.prefix(),
                    b.endpoints.region(), parameters);
            b.resolver = new TemplateResolver(b.template, new WithFunctions(b.template, b.resources, options.prefix(),
                    b.endpoints.region()), b.endpoints.region(), TemplateResolver.DEFAULT_ACCOUNT, parameters);
            b.functions = new LocalFunctions(b.template, b.resolver, b.endpoints, options.prefix(), b.projectRoot,
                    options.env(), options.functionEnv());
            options.handlers().forEach(b.functions::register);
            LocalFunctions functions = b.functions;
            AwsEndpoints endpoints = b.endpoints;
            b.http.ifPresent(h -> h.serve(HttpApiServer.routesFrom(functions),
                    (id, event) -> sesDown(endpoints).orElseGet(() -> functions.invoke(id, event))));
            b.http.ifPresent(h -> servePages(h, functions, b.projectRoot));
            b.eventSources = options.eventSources()
                    ? Optional.of(EventSources.start(functions, b.resources, b.resolver, b.clients, b.endpoints.region()))
                    : Optional.empty();
            b.startupTime = Duration.ofNanos(System.nanoTime() - begin);
        } catch (RuntimeException e) {
            b.closeStarted();
            throw e;
        }
        LocalSuite stack = new LocalSuite(b);
        LOG.debug("local suite up in %d ms", stack.startupTime.toMillis());
        try {
            for (Consumer<LocalSuite> hook : options.onStartedHooks()) {
                hook.accept(stack);
            }
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /** Where the API description is served: the page, and {@code openapi.yaml} beside it. */
    public static final String API_DOCS = "/api/";

    /** Beside the API: Lambda's Invoke API for operators' console events (./operator) and the API description. */
    private static void servePages(HttpApiServer http, LocalFunctions functions, Path projectRoot) {
        http.page(InvokeEndpoint.PREFIX, new InvokeEndpoint(functions));
        Path apiDocs = projectRoot.resolve(ApiDocs.FILE);
        // Rendered at each request, so an edited document shows on reload.
        Page page = new Page(() -> new ByteArrayInputStream(
                ApiDocs.load(apiDocs).html().getBytes(StandardCharsets.UTF_8)), "text/html; charset=utf-8");
        http.page(API_DOCS, new StaticPages(API_DOCS, Map.of("", page, "openapi.yaml", Page.file(apiDocs))));
    }

    /**
     * Before any API call: an SES emulator that died is started again; one that cannot be makes the API answer 503,
     * loudly, instead of accepting requests (202) whose emails could never be sent.
     */
    private static Optional<Object> sesDown(AwsEndpoints endpoints) {
        return endpoints.ensureSesRunning().map(reason -> {
            LOG.error("answering 503: %s", reason);
            return ApiResponses.error(new ApiException(503, "local_email_down", reason), Map.of());
        });
    }

    /** Base URI of the HTTP API, e.g. {@code http://127.0.0.1:3000}. */
    public URI httpBaseUri() {
        return http.orElseThrow(() -> new IllegalStateException("started without HTTP API")).baseUri();
    }

    /** Serves non-API pages under {@code prefix} on the HTTP API's port (see {@link HttpApiServer#page}). */
    public void page(String prefix, com.sun.net.httpserver.HttpHandler handler) {
        http.orElseThrow(() -> new IllegalStateException("started without HTTP API")).page(prefix, handler);
    }

    public AwsEndpoints endpoints() {
        return endpoints;
    }

    /** Emulated tables and queues: names, URLs, ARNs by logical id. */
    public LocalResources resources() {
        return resources;
    }

    public LocalFunctions functions() {
        return functions;
    }

    /** Mail captured by the SES emulator. */
    public Mailbox mailbox() {
        return mailbox;
    }

    /** The environment a function's handler was (or will be) constructed with. */
    public Env env(String functionLogicalId) {
        return functions.env(functionLogicalId);
    }

    /** SDK clients pointed at the emulators. */
    public LocalAwsClients awsClients() {
        return clients;
    }

    public Template template() {
        return template;
    }

    public TemplateResolver resolver() {
        return resolver;
    }

    public Path projectRoot() {
        return projectRoot;
    }

    /**
     * Answers a request as the HTTP API does (routing, payload 2.0 event, the function, API Gateway's own errors)
     * without a socket: for callers that send many requests in-process.
     */
    public io.privacysuite.local.api.HttpApiEvents.HttpResult dispatch(io.privacysuite.local.api.HttpApiEvents.RawRequest request) {
        return http.orElseThrow(() -> new IllegalStateException("started without HTTP API")).dispatch(request);
    }

    public List<HttpRoute> routes() {
        return http.map(HttpApiServer::routes).orElse(List.of());
    }

    /** One line per SQS/stream/schedule trigger. */
    public List<String> eventSourceDescriptions() {
        return eventSources.map(EventSources::describe).orElse(List.of());
    }

    /** Fires the function's Schedule events now and returns the handler's output. */
    public Object triggerSchedule(String functionLogicalId) {
        return eventSources.orElseThrow(() -> new IllegalStateException("started without event sources"))
                .triggerSchedule(functionLogicalId);
    }

    /** Time from start() until all was up (before onStarted hooks). */
    public Duration startupTime() {
        return startupTime;
    }

    /** Emulator start-up times, when this stack started its own emulators. */
    public Optional<EmbeddedEmulators> embeddedEmulators() {
        return ownedEmulators;
    }

    @Override
    public void close() {
        eventSources.ifPresent(EventSources::close);
        http.ifPresent(HttpApiServer::close);
        clients.close();
        ownedEmulators.ifPresent(EmbeddedEmulators::close);
    }

    /** Adds what Ref/GetAtt mean for functions to the emulated tables and queues. */
    private record WithFunctions(Template template, LocalResources resources, String prefix, String region)
            implements TemplateResolver.PhysicalResources {
        @Override
        public Optional<String> ref(String logicalId) {
            return resources.ref(logicalId).or(() -> isFunction(logicalId) ? Optional.of(prefix + logicalId) : Optional.empty());
        }

        @Override
        public Optional<String> getAtt(String logicalId, String attribute) {
            return resources.getAtt(logicalId, attribute).or(() -> isFunction(logicalId) && attribute.equals("Arn")
                    ? Optional.of(LocalFunctions.functionArn(region, TemplateResolver.DEFAULT_ACCOUNT, prefix + logicalId))
                    : Optional.empty());
        }

        private boolean isFunction(String logicalId) {
            return template.resource(logicalId).map(r -> r.type().equals(LocalFunctions.TYPE)).orElse(false);
        }
    }

    private static final class Builder {
        AwsEndpoints endpoints;
        Optional<EmbeddedEmulators> ownedEmulators = Optional.empty();
        LocalAwsClients clients;
        Template template;
        Path projectRoot;
        LocalResources resources;
        TemplateResolver resolver;
        LocalFunctions functions;
        Optional<HttpApiServer> http = Optional.empty();
        Optional<EventSources> eventSources = Optional.empty();
        Duration startupTime = Duration.ZERO;

        void closeStarted() {
            List<AutoCloseable> started = new ArrayList<>();
            eventSources.ifPresent(started::add);
            http.ifPresent(started::add);
            if (clients != null) {
                started.add(clients);
            }
            ownedEmulators.ifPresent(started::add);
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("cleanup after failed start: %s", e.getMessage());
                }
            }
        }
    }
}
