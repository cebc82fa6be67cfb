package io.privacysuite.consent.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentJson;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.DynamoDbPolicyVersions;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.consent.Site;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiRequest;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.core.http.HttpApiJson;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.secrets.Secret;
import io.privacysuite.core.secrets.Secrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * HTTP API (payload 2.0) entry point of the cookie-banner consent API. It parses and validates, calls
 * {@link ConsentService}, maps results and errors to JSON, and answers CORS for each site's own origins only.
 * Lambda hands it the raw event stream ({@link HttpApiJson} reads it), which keeps the events library's bean
 * binding out of the cold start.
 */
public final class ConsentApiHandler implements RequestStreamHandler, org.crac.Resource {
    /** Banners send a few hundred bytes; anything near this is not a consent. */
    static final int MAX_BODY_BYTES = 8 * 1024;
    /** The routes that write a consent version: limited per site and client, and counted. */
    static final java.util.Set<String> WRITES = java.util.Set.of("POST /v1/sites/{siteId}/consents",
            "PUT /v1/sites/{siteId}/consents/{consentId}", "POST /v1/sites/{siteId}/consents/{consentId}/withdraw");

    private final ConsentService service;
    private final ConsentWriteLimits limits;
    private final Metrics metrics;

    public ConsentApiHandler() {
        this(Env.system());
        // On Lambda with SnapStart the snapshot is taken after init: prime first, so restored containers
        // start with the SDK, Jackson and HMAC paths already loaded.
        org.crac.Core.getGlobalContext().register(this);
    }

    public ConsentApiHandler(Env env) {
        this(env, new AwsClients(env));
    }

    private ConsentApiHandler(Env env, AwsClients aws) {
        // Arguments run left to right: the signing secret's client and read start on their own thread first, and
        // overlap the DynamoDB client's build (a shorter cold start on a multi-core init; the same CPU work).
        this(env, Secret.loadingInBackground(() -> Secrets.from(env, aws).secret(Secrets.CONSENT_SIGNING)),
                aws.build(DynamoDbClient.builder(), "DYNAMODB"));
    }

    private ConsentApiHandler(Env env, Secret signing, DynamoDbClient dynamo) {
        // The signer below waits for the secret's thread; until then, load what the first request's JSON needs.
        HttpApiJson.warmUp();
        this(serviceFrom(env, signing, dynamo), ConsentWriteLimits.from(env, dynamo, Clock.systemUTC()),
                Metrics.from(env));
    }

    public ConsentApiHandler(ConsentService service) {
        this(service, ConsentWriteLimits.none(), Metrics.from(Env.of(Map.of())));
    }

    public ConsentApiHandler(ConsentService service, ConsentWriteLimits limits, Metrics metrics) {
        this.service = service;
        this.limits = limits;
        this.metrics = metrics;
    }

    /** The service this handler calls (tests build a second handler around it with other collaborators). */
    public ConsentService service() {
        return service;
    }

    static ConsentService serviceFrom(Env env, Secret signing, DynamoDbClient dynamo) {
        Clock clock = Clock.systemUTC();
        RetentionPolicy retention = RetentionPolicy.from(env);
        return new ConsentService(
                new DynamoDbSiteRegistry(dynamo, env.require("SITES_TABLE"), retention, clock),
                new DynamoDbConsentStore(dynamo, env.require("CONSENTS_TABLE"), ConsentsTable.shards(env)),
                new ConsentSigner(signing),
                retention,
                clock,
                new DynamoDbPolicyVersions(dynamo, env.require("POLICY_VERSIONS_TABLE"),
                        1000L * env.getInt("POLICY_CACHE_SECONDS", 60)));
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
        // Nothing to refresh here: clients hold no connections worth keeping, and core Secrets reloads the secrets.
    }

    /**
     * Runs the request path once without writing anything: reading an event from the stream, a site lookup that
     * finds nothing (the SDK's marshalling, signing and HTTP), writing the answer, body parsing and a signature
     * over a throwaway record.
     */
    public void prime() {
        // A well-formed site and consent id, so the site lookup and the history query really run.
        String event = """
                {"routeKey":"GET /v1/sites/{siteId}/consents/{consentId}/verify",
                 "pathParameters":{"siteId":"snapstart-priming","consentId":"00000000-0000-4000-8000-000000000000"},
                 "queryStringParameters":{"key":"k.priming"},"isBase64Encoded":false}""";
        try {
            handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(),
                    null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        service.prime(ConsentSubmission.parse(Json.MAPPER.createObjectNode()
                .put("method", "accept_all").put("bannerVersion", "priming")
                .put("pageUrl", "https://priming.invalid/"), null));
    }

    /** Lambda's entry point: the event as API Gateway sent it, the response as API Gateway reads it. */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpApiJson.write(handleEvent(HttpApiJson.read(input), context), output);
    }

    /** The same request as the events library's bean (tests and benchmarks build those). */
    public APIGatewayV2HTTPResponse handleEvent(APIGatewayV2HTTPEvent event, Context context) {
        return handle(new ApiRequest(event), Log.of(context));
    }

    APIGatewayV2HTTPResponse handle(ApiRequest request, Log log) {
        Map<String, String> cors = Map.of();
        try {
            Site site = service.site(request.pathParameter("siteId"));
            Optional<String> origin = request.header("origin");
            if (origin.isPresent()) {
                if (!site.allowsOrigin(origin.get())) {
                    // No CORS headers: the browser blocks the page, and nothing is recorded for a foreign origin.
                    throw new ApiException(403, "origin_not_allowed", "This origin is not registered for the site.");
                }
                cors = corsHeaders(origin.get());
            }
            if (WRITES.contains(request.routeKey())) {
                limits.check(site.siteId(), request.sourceIp());
            }
            APIGatewayV2HTTPResponse response = route(request, site, log);
            response.getHeaders().putAll(cors);
            if (WRITES.contains(request.routeKey()) && !response.getHeaders().containsKey("idempotent-replayed")) {
                metrics.emit(Map.of(Metrics.Name.ConsentsRecorded, 1));
            }
            return response;
        } catch (ApiException | DomainException refusal) {
            ApiException e = ApiException.of(refusal);
            log.info("consent_refused", "route", request.routeKey(), "status", e.status(), "code", e.code());
            if (e.status() == 429) {
                metrics.emit(Map.of(Metrics.Name.ConsentWritesLimited, 1));
            }
            return ApiResponses.error(e, cors);
        } catch (RuntimeException e) {
            log.error("consent_failed", e, "route", request.routeKey(), "requestId", request.requestId());
            return ApiResponses.internalError(request.requestId());
        }
    }

    private APIGatewayV2HTTPResponse route(ApiRequest request, Site site, Log log) {
        return switch (request.routeKey()) {
            case "POST /v1/sites/{siteId}/consents" -> {
                ConsentSubmission submission = ConsentSubmission.parse(request.jsonBody(MAX_BODY_BYTES),
                        request.header("idempotency-key").orElse(null));
                var outcome = service.record(site, submission, visitor(request));
                log.info("consent_recorded", "site", site.siteId(), "consentId", outcome.record().consentId(),
                        "version", outcome.record().version(), "replayed", outcome.replayed());
                yield written(outcome, outcome.replayed() ? 200 : 201);
            }
            case "PUT /v1/sites/{siteId}/consents/{consentId}" -> {
                JsonNode body = request.jsonBody(MAX_BODY_BYTES);
                ConsentSubmission submission = ConsentSubmission.parse(body,
                        request.header("idempotency-key").orElse(null));
                var outcome = service.change(site, request.pathParameter("consentId"), requireKey(body),
                        submission, visitor(request));
                yield written(outcome, 200);
            }
            case "POST /v1/sites/{siteId}/consents/{consentId}/withdraw" -> {
                JsonNode body = request.jsonBody(MAX_BODY_BYTES);
                String key = requireKey(body);
                String pageUrl = null;
                var errors = new io.privacysuite.core.errors.FieldErrors();
                if (body.hasNonNull("pageUrl")) {
                    pageUrl = ConsentSubmission.sanitizeUrl(body.get("pageUrl").asText(), errors);
                }
                String requestId = ConsentSubmission.requestId(body, request.header("idempotency-key").orElse(null),
                        errors);
                errors.throwIfAny();
                var outcome = service.withdraw(site, request.pathParameter("consentId"), key, pageUrl, requestId,
                        visitor(request));
                log.info("consent_withdrawn", "site", site.siteId(), "consentId", outcome.record().consentId(),
                        "version", outcome.record().version());
                yield written(outcome, 200);
            }
            case "GET /v1/sites/{siteId}/consents/{consentId}/verify" -> verify(request, site);
            // The privacy policy in effect (and the next one, once published), for the banner to show and to ask again.
            case "GET /v1/sites/{siteId}/policy" -> ApiResponses.json(200, service.policy(),
                    Map.of("cache-control", "max-age=300"));
            case "POST /v1/sites/{siteId}/consents/{consentId}/verify" -> verifyPosted(request, site);
            case "GET /v1/sites/{siteId}/consents/{consentId}/history" -> {
                String key = request.query("key").orElseThrow(() -> ApiException.validation(Map.of("key", "required")));
                ArrayNode versions = Json.MAPPER.createArrayNode();
                service.history(site, request.pathParameter("consentId"), key)
                        .forEach(r -> versions.add(ConsentJson.toJson(r, true)));
                ObjectNode body = Json.object();
                body.put("consentId", request.pathParameter("consentId"));
                body.set("versions", versions);
                yield ApiResponses.json(200, body);
            }
            case "OPTIONS /v1/sites/{siteId}/{proxy+}" -> ApiResponses.noContent(Map.of());
            default -> throw new ApiException(404, "not_found", "No such route.");
        };
    }

    private APIGatewayV2HTTPResponse verify(ApiRequest request, Site site) {
        Map<String, String> errors = new LinkedHashMap<>();
        String key = request.query("key").orElse(null);
        if (key == null) {
            errors.put("key", "required");
        }
        Integer version = null;
        if (request.query("version").isPresent()) {
            try {
                version = Integer.parseInt(request.query("version").get());
            } catch (NumberFormatException e) {
                errors.put("version", "must be a whole number");
            }
        }
        Categories claimed = null;
        Optional<String> p = request.query("preferences");
        Optional<String> s = request.query("statistics");
        Optional<String> m = request.query("marketing");
        if (p.isPresent() || s.isPresent() || m.isPresent()) {
            claimed = claimed(name -> flag(request.query(name), name, errors));
        }
        return verified(request, site, errors, version, key, claimed);
    }

    /**
     * The same check with the key in a JSON body ({@code version}, {@code key}, {@code categories}), so the key
     * stays out of access logs and browser history. Other fields are ignored, as the banner may send more.
     */
    private APIGatewayV2HTTPResponse verifyPosted(ApiRequest request, Site site) {
        JsonNode body = request.jsonBody(MAX_BODY_BYTES);
        Map<String, String> errors = new LinkedHashMap<>();
        JsonNode keyNode = body.get("key");
        String key = null;
        if (keyNode == null || keyNode.isNull()) {
            errors.put("key", "required");
        } else if (!keyNode.isTextual() || keyNode.textValue().isBlank()) {
            errors.put("key", "must be the key returned when the consent was recorded");
        } else {
            key = keyNode.textValue();
        }
        Integer version = null;
        JsonNode versionNode = body.get("version");
        if (versionNode != null && !versionNode.isNull()) {
            if (!versionNode.isIntegralNumber() || !versionNode.canConvertToInt() || versionNode.intValue() < 1) {
                errors.put("version", "must be a whole number from 1");
            } else {
                version = versionNode.intValue();
            }
        }
        Categories claimed = null;
        JsonNode categories = body.get("categories");
        if (categories != null && !categories.isNull()) {
            if (!categories.isObject()) {
                errors.put("categories", "must be an object of preferences, statistics and marketing");
            } else {
                JsonNode necessary = categories.get("necessary");
                if (necessary != null && !(necessary.isBoolean() && necessary.booleanValue())) {
                    errors.put("categories.necessary", "is always true");
                }
                categories.fieldNames().forEachRemaining(name -> {
                    if (!CATEGORY_NAMES.contains(name)) {
                        errors.put("categories." + name, "unknown category");
                    }
                });
                claimed = claimed(name -> bool(categories, name, errors));
            }
        }
        return verified(request, site, errors, version, key, claimed);
    }

    /** The three categories a browser claims, each read by {@code flag}; null if one is missing or wrong. */
    private static Categories claimed(java.util.function.Function<String, Boolean> flag) {
        Boolean preferences = flag.apply("preferences");
        Boolean statistics = flag.apply("statistics");
        Boolean marketing = flag.apply("marketing");
        return preferences != null && statistics != null && marketing != null
                ? new Categories(preferences, statistics, marketing) : null;
    }

    private static final java.util.Set<String> CATEGORY_NAMES =
            java.util.Set.of("necessary", "preferences", "statistics", "marketing");

    private static Boolean bool(JsonNode categories, String name, Map<String, String> errors) {
        JsonNode value = categories.get(name);
        if (value == null || value.isNull()) {
            errors.put("categories." + name, "give all three categories or none");
            return null;
        }
        if (!value.isBoolean()) {
            errors.put("categories." + name, "must be true or false");
            return null;
        }
        return value.booleanValue();
    }

    private APIGatewayV2HTTPResponse verified(ApiRequest request, Site site, Map<String, String> errors,
            Integer version, String key, Categories claimed) {
        if (!errors.isEmpty()) {
            throw ApiException.validation(errors);
        }
        ConsentService.Verification result = service.verify(site, request.pathParameter("consentId"), version, key,
                claimed);
        ObjectNode body = Json.object();
        body.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
        body.put("consentId", request.pathParameter("consentId"));
        body.put("latestVersion", result.latestVersion());
        body.put("currentBannerVersion", result.currentBannerVersion());
        if (result.record() != null) {
            body.set("consent", ConsentJson.toJson(result.record(), false));
        }
        return ApiResponses.json(200, body);
    }

    private static Boolean flag(Optional<String> value, String name, Map<String, String> errors) {
        if (value.isEmpty()) {
            errors.put(name, "give all three categories or none");
            return null;
        }
        return switch (value.get()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> {
                errors.put(name, "must be true or false");
                yield null;
            }
        };
    }

    private static String requireKey(JsonNode body) {
        JsonNode key = body.get("key");
        if (key == null || !key.isTextual() || key.textValue().isBlank()) {
            throw ApiException.validation(Map.of("key", "required: the key returned when the consent was recorded"));
        }
        return key.textValue();
    }

    private static ConsentService.Visitor visitor(ApiRequest request) {
        return new ConsentService.Visitor(request.sourceIp(), request.header("sec-gpc").map("1"::equals).orElse(false),
                request.header("origin").orElse(null));
    }

    private static APIGatewayV2HTTPResponse written(ConsentService.Outcome outcome, int status) {
        ObjectNode body = ConsentJson.toJson(outcome.record(), true);
        return ApiResponses.json(status, body, outcome.replayed() ? Map.of("idempotent-replayed", "true") : Map.of());
    }

    private static Map<String, String> corsHeaders(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("access-control-allow-origin", origin);
        headers.put("access-control-allow-methods", "GET, POST, PUT, OPTIONS");
        headers.put("access-control-allow-headers", "content-type, idempotency-key, sec-gpc");
        headers.put("access-control-max-age", "600");
        // So the banner's script can read when to retry a limited write, and whether an answer was a replay.
        headers.put("access-control-expose-headers", "retry-after, idempotent-replayed");
        headers.put("vary", "origin");
        return headers;
    }
}
