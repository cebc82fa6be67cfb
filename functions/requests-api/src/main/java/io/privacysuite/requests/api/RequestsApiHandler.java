package io.privacysuite.requests.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.ConsentProofs;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiRequest;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.core.http.PublicBaseUrl;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.secrets.Secrets;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.UnsubscribeLinks;
import io.privacysuite.requests.Dispatcher;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.SqsOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * HTTP API (payload 2.0) entry point for data subject requests: intake ({@code POST /v1/requests}), the emailed
 * verification link, the person's status link, export downloads and RFC 8058 one-click unsubscribe. Link clicks
 * answer small HTML pages in the person's language; API calls answer JSON.
 *
 * <p>Mail security scanners open every link in a message, so no GET (or HEAD) changes anything: the verification link
 * shows a page whose form POSTs the confirmation, and the unsubscribe link a page whose form POSTs the RFC 8058
 * one-click body. A confirmation must carry the emailed token in the form and, where the browser says where it came
 * from ({@code Origin}, {@code Sec-Fetch-Site}), come from the suite's own page.
 */
public final class RequestsApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** The body limit README states for data subject requests (consents: 8 KB). */
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final int MAX_FORM_BYTES = 1024;

    private final IntakeService service;
    private final String publicOrigin;
    private final PrivacyCenter center;
    private final PreferencesPage preferencesPage;

    public RequestsApiHandler() {
        this(Env.system());
    }

    public RequestsApiHandler(Env env) {
        this(env, Clock.systemUTC());
    }

    /** For tests that need another time (e.g. to see a link expire) against the same tables and queues. */
    public RequestsApiHandler(Env env, Clock clock) {
        this(serviceFrom(env, clock), env.get("PUBLIC_BASE_URL", "http://localhost:3000"));
    }

    /** @param publicBaseUrl where emailed links point: a confirmation must come from a page of this origin */
    public RequestsApiHandler(IntakeService service, String publicBaseUrl) {
        this.service = service;
        this.publicOrigin = originOf(publicBaseUrl);
        this.center = new PrivacyCenter(service, publicOrigin);
        this.preferencesPage = new PreferencesPage(service);
    }

    static String originOf(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return (uri.getScheme() + "://" + uri.getRawAuthority()).toLowerCase(Locale.ROOT);
    }

    static IntakeService serviceFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        SqsClient sqs = aws.build(SqsClient.builder(), "SQS");
        RetentionPolicy retention = RetentionPolicy.from(env);
        String requestsTable = env.require("REQUESTS_TABLE");
        String baseUrl = PublicBaseUrl.from(env);
        Secrets secrets = Secrets.from(env, aws);
        RequestStore store = new DynamoDbRequestStore(dynamo, requestsTable, retention);
        Outbox outbox = new SqsOutbox(sqs, env.require("NOTIFICATIONS_QUEUE_URL"), env.require("PROCESSING_QUEUE_URL"));
        IntakeService.Stores stores = new IntakeService.Stores(
                new DynamoDbSiteRegistry(dynamo, env.require("SITES_TABLE"), retention, clock), store,
                new DynamoDbEmailPreferences(dynamo, env.require("EMAIL_PREFERENCES_TABLE"), retention),
                ExportDownloads.from(env, aws));
        IntakeService.Proofs proofs = new IntakeService.Proofs(
                new ConsentProofs(new DynamoDbConsentStore(dynamo, env.require("CONSENTS_TABLE"), ConsentsTable.shards(env)),
                        new ConsentSigner(secrets.secret(Secrets.CONSENT_SIGNING)), clock),
                IdentityAssertions.from(secrets), UnsubscribeLinks.from(secrets, env));
        IntakeService.Rules rules = new IntakeService.Rules(LegalClock.from(env), retention,
                new IntakeService.Limits(env.getInt("RATE_LIMIT_PER_ADDRESS_PER_HOUR", 5),
                        env.getInt("RATE_LIMIT_PER_IP_PER_HOUR", 30)), baseUrl);
        return new IntakeService(stores, proofs, rules, new RateLimiter(Duration.ofHours(1)), outbox,
                new Dispatcher(store, outbox, baseUrl, clock), clock);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return handle(new ApiRequest(event), Log.of(context));
    }

    APIGatewayV2HTTPResponse handle(ApiRequest request, Log log) {
        try {
            return route(request, log);
        } catch (ApiException | DomainException refusal) {
            ApiException e = ApiException.of(refusal);
            log.info("request_api_refused", "route", request.routeKey(), "status", e.status(), "code", e.code());
            if (request.routeKey().equals("POST /v1/requests")) {
                e = inLanguage(e, Pages.in(intakeLanguage(request)));
            }
            Map<String, String> headers = e.status() == 429 ? Map.of("retry-after", retryAfter(e)) : Map.of();
            return ApiResponses.error(e, headers);
        } catch (RuntimeException e) {
            log.error("request_api_failed", e, "route", request.routeKey(), "awsRequestId", request.requestId());
            if (!request.routeKey().equals("POST /v1/requests")) {
                Pages pages = Pages.forRequest(null, request.header("accept-language").orElse(null));
                return ApiResponses.html(500, pages.page(pages.text("error.title"), pages.text("error.body"),
                        pages.text("reference", request.requestId())));
            }
            return ApiResponses.internalError(request.requestId());
        }
    }

    private APIGatewayV2HTTPResponse route(ApiRequest request, Log log) {
        return switch (request.routeKey()) {
            case "POST /v1/requests" -> {
                Submission submission = Submission.parse(request.jsonBody(MAX_BODY_BYTES));
                accept(service, submission, request, log);
                yield ApiResponses.json(202, accepted(Pages.in(submission.locale())));
            }
            case "GET /v1/sites/{siteId}/privacy" -> center.formPage(request);
            case "POST /v1/sites/{siteId}/requests" -> center.submit(request, log);
            case "OPTIONS /v1/sites/{siteId}/requests" -> center.preflight(request);
            case "GET /v1/requests/{requestId}/verify" -> confirmationPage(request, log);
            case "POST /v1/requests/{requestId}/verify" -> confirm(request, log);
            case "GET /v1/requests/{requestId}" -> status(request);
            case "GET /v1/requests/{requestId}/download/{file}" -> download(request, log);
            case "GET /v1/email/preferences" -> preferencesPage.show(request, log);
            case "POST /v1/email/preferences" -> preferencesPage.save(request, log, fromOwnPage(request), MAX_FORM_BYTES);
            case "GET /v1/email/unsubscribe" -> {
                Pages pages = Pages.forRequest(request.query("lang").orElse(null),
                        request.header("accept-language").orElse(null));
                String token = request.query("token").orElse(null);
                if (!service.isValidUnsubscribe(token)) {
                    yield ApiResponses.html(400, pages.page(pages.text("unsubscribe.invalid.title"),
                            pages.text("unsubscribe.invalid.body")));
                }
                // The RFC 8058 body as a hidden field: the same POST a mail provider sends, now by a person's click.
                yield ApiResponses.html(200, pages.form(pages.text("unsubscribe.title"),
                        new String[] {pages.text("unsubscribe.question")}, "/v1/email/unsubscribe?token=" + token,
                        Map.of("List-Unsubscribe", "One-Click"), pages.text("unsubscribe.button")));
            }
            case "POST /v1/email/unsubscribe" -> {
                // RFC 8058: the body is "List-Unsubscribe=One-Click" and the POST carries no cookie; the signed token in
                // the URL identifies address and list, so no Origin check (mail providers send none, or their own).
                Pages pages = Pages.forRequest(request.query("lang").orElse(null),
                        request.header("accept-language").orElse(null));
                if (!service.unsubscribe(request.query("token").orElse(null))) {
                    yield ApiResponses.html(400, pages.page(pages.text("unsubscribe.invalid.title"),
                            pages.text("unsubscribe.invalid.body")));
                }
                log.info("unsubscribed", "method", "one_click");
                yield ApiResponses.html(200, pages.page(pages.text("unsubscribe.done.title"),
                        pages.text("unsubscribe.done.body")));
            }
            default -> throw new ApiException(404, "not_found", "No such route.");
        };
    }

    /** Takes a validated submission (the same for every intake route): the rate limits, the record, the email. */
    static void accept(IntakeService service, Submission submission, ApiRequest request, Log log) {
        String requestId = service.submit(submission, request.sourceIp());
        log.info("request_received", "requestId", requestId, "type", submission.type().wire(),
                "site", submission.siteId(), "ignoredIdentifiers", submission.ignoredIdentifiers().size());
    }

    /**
     * An intake refusal in the person's language: the message by its code, each field's message by the field's name
     * ({@code details.x} and {@code consents[0]} by {@code details} and {@code consents}); codes and field names stay
     * as they are for programs. English keeps the messages that say exactly what the API expects.
     */
    static ApiException inLanguage(ApiException e, Pages pages) {
        if (pages.lang().equals("en")) {
            return e;
        }
        String message = pages.has("api." + e.code())
                ? pages.text("api." + e.code(), Long.toString(retryAfterSeconds(e))) : e.getMessage();
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        e.fieldErrors().forEach((field, why) -> {
            String key = "form.error." + field.replaceAll("[.\\[].*", "");
            fields.put(field, pages.has(key) ? pages.text(key) : why);
        });
        return new ApiException(e.status(), e.code(), message, fields);
    }

    /** The language of an intake: the body's {@code locale} if it has one we speak, else the browser's. */
    static String intakeLanguage(ApiRequest request) {
        try {
            String locale = request.jsonBody(MAX_BODY_BYTES).path("locale").asText("");
            String language = locale.split("[-_]")[0].toLowerCase(Locale.ROOT);
            if (Pages.LANGUAGES.contains(language)) {
                return language;
            }
        } catch (RuntimeException unreadable) {
            // no usable body: the browser's language
        }
        return Pages.forRequest(null, request.header("accept-language").orElse(null)).lang();
    }

    /** The one answer to every well-formed request, in the person's language. */
    static ObjectNode accepted(Pages pages) {
        ObjectNode body = Json.object();
        body.put("status", "received");
        body.put("message", pages.text("accepted"));
        return body;
    }

    static long retryAfterSeconds(RuntimeException refusal) {
        if (refusal instanceof DomainException d && d.retryAfterSeconds() > 0) {
            return d.retryAfterSeconds();
        }
        String digits = refusal.getMessage() == null ? "" : refusal.getMessage().replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 60 : Long.parseLong(digits);
    }

    /** GET of the emailed link: reads only, and shows what confirming will do with the button that does it. */
    private APIGatewayV2HTTPResponse confirmationPage(ApiRequest request, Log log) {
        String requestId = request.pathParameter("requestId");
        String token = request.query("token").orElse(null);
        IntakeService.Verification v = service.page(requestId, token, request.query("expires").orElse(null));
        log.info("request_link_opened", "requestId", requestId, "result", v.result().name().toLowerCase(Locale.ROOT));
        // No language switcher here: its links would carry the emailed token, which stays in the form alone. The page
        // speaks the language the person chose on the form.
        Pages pages = pagesFor(request, v.request());
        if (v.result() != IntakeService.VerifyResult.READY) {
            return verificationAnswer(v, pages);
        }
        DsarRequest r = v.request();
        String type = pages.typeLabel(r.type().wire());
        return ApiResponses.html(200, pages.form(pages.text("confirm.title"), new String[] {
                        pages.text("confirm.intro", type), pages.text("what." + r.type().wire()),
                        pages.text("confirm.due", pages.date(r.deadline().dueOn()))},
                "/v1/requests/" + r.requestId() + "/verify", Map.of("token", token), pages.text("confirm.button"),
                pages.text("confirm.ignore"), pages.text("reference", r.requestId())));
    }

    /** POST of the confirmation page's form: the one deliberate act that confirms a request. */
    private APIGatewayV2HTTPResponse confirm(ApiRequest request, Log log) {
        String requestId = request.pathParameter("requestId");
        Map<String, String> form = request.formBody(MAX_FORM_BYTES);
        if (!fromOwnPage(request)) {
            log.info("request_confirm_refused", "requestId", requestId, "reason", "not_from_confirmation_page");
            Pages pages = pagesFor(request, null);
            return ApiResponses.html(403, pages.page(pages.text("forbidden.title"), pages.text("forbidden.body")));
        }
        IntakeService.Verification v = service.confirm(requestId, form.get("token"));
        log.info("request_confirmed", "requestId", requestId, "result", v.result().name().toLowerCase(Locale.ROOT));
        return verificationAnswer(v, pagesFor(request, v.request()));
    }

    /**
     * Whether the browser says the POST came from a page of the suite. Browsers send {@code Origin} on every form POST
     * and {@code Sec-Fetch-Site} in current versions; where present they must name the suite itself. The emailed token
     * in the form is what proves possession of the link; these headers stop another site's page from posting it.
     */
    private boolean fromOwnPage(ApiRequest request) {
        boolean originOk = request.header("origin").map(o -> o.strip().toLowerCase(Locale.ROOT).equals(publicOrigin))
                .orElse(true);
        boolean siteOk = request.header("sec-fetch-site").map(s -> s.strip().equalsIgnoreCase("same-origin"))
                .orElse(true);
        return originOk && siteOk;
    }

    /**
     * Pages in the language chosen on the page, else the request's, else the browser's; branded for the request's
     * site when known; with a language switcher keeping {@code keep} (the page's own query parameters, names first).
     */
    private Pages pagesFor(ApiRequest request, DsarRequest known, String... keep) {
        Pages pages = Pages.forRequest(request.query("lang").orElse(null), known == null ? null : known.locale(),
                request.header("accept-language").orElse(null));
        if (known == null) {
            return pages;
        }
        StringBuilder query = new StringBuilder();
        for (String name : keep) {
            request.query(name).filter(v -> v.matches("[A-Za-z0-9_-]{1,200}")).ifPresent(v ->
                    query.append(query.isEmpty() ? "" : "&").append(name).append('=').append(v));
        }
        pages = pages.forSite(service.site(known.siteId()).orElse(null));
        return keep.length == 0 ? pages : pages.withSwitcher(query.toString());
    }

    private static APIGatewayV2HTTPResponse verificationAnswer(IntakeService.Verification v, Pages pages) {
        return switch (v.result()) {
            case VERIFIED -> ApiResponses.html(200, pages.page(pages.text("confirmed.title"),
                    pages.text("confirmed.body", pages.typeLabel(v.request().type().wire())),
                    pages.text("confirmed.due", pages.date(v.request().deadline().dueOn())),
                    pages.text("confirmed.ack"), pages.text("reference", v.request().requestId())));
            case ALREADY_VERIFIED -> ApiResponses.html(409, pages.page(pages.text("already.title"),
                    pages.text("already.body"), pages.text("reference", v.request().requestId())));
            case EXPIRED -> ApiResponses.html(410, pages.page(pages.text("expired.title"), pages.text("expired.body"),
                    pages.text("expired.again")));
            case INVALID, READY -> ApiResponses.html(404, pages.page(pages.text("invalid.title"),
                    pages.text("invalid.body")));
        };
    }

    /** An emailed download link: a redirect to a link presigned now (valid minutes), never the file itself. */
    private APIGatewayV2HTTPResponse download(ApiRequest request, Log log) {
        String requestId = request.pathParameter("requestId");
        IntakeService.Download d = service.download(requestId, request.pathParameter("file"),
                request.query("token").orElse(null));
        log.info("export_download", "requestId", requestId, "result", d.result().name().toLowerCase(Locale.ROOT));
        Pages pages = pagesFor(request, d.request());
        return switch (d.result()) {
            case REDIRECT -> ApiResponses.redirect(d.location());
            case EXPIRED -> ApiResponses.html(410, pages.page(pages.text("download.expired.title"),
                    pages.text("download.expired.body")));
            case INVALID -> ApiResponses.html(404, pages.page(pages.text("download.invalid.title"),
                    pages.text("download.invalid.body")));
        };
    }

    private APIGatewayV2HTTPResponse status(ApiRequest request) {
        String requestId = request.pathParameter("requestId");
        String token = request.query("token").orElse(null);
        Optional<DsarRequest> found = service.status(requestId, token);
        boolean html = request.header("accept").map(a -> a.contains("text/html")).orElse(false);
        Pages pages = pagesFor(request, found.orElse(null), "token");
        if (found.isEmpty()) {
            if (html) {
                return ApiResponses.html(404, pages.page(pages.text("status.notfound.title"),
                        pages.text("status.notfound.body")));
            }
            throw ApiException.notFound("Request");
        }
        DsarRequest r = found.get();
        if (html) {
            return ApiResponses.html(200, StatusPage.render(pages, r, token, java.time.Instant.now()));
        }
        ObjectNode body = Json.object();
        body.put("requestId", r.requestId());
        body.put("type", r.type().wire());
        body.put("status", r.status().wire());
        body.put("receivedOn", r.deadline().receivedOn().toString());
        body.put("dueOn", r.deadline().dueOn().toString());
        body.put("extended", r.deadline().isExtended());
        if (r.deadline().extensionReason() != null) {
            body.put("extensionReason", r.deadline().extensionReason());
        }
        if (r.closedAt() != null) {
            body.put("closedAt", r.closedAt().toString());
            body.put("closedLate", r.closedLate());
            if (r.closeReason() != null) {
                body.put("closeReason", r.closeReason());
            }
        }
        return ApiResponses.json(200, body);
    }

    private static String retryAfter(ApiException e) {
        String digits = e.getMessage().replaceAll("[^0-9]", "");
        return digits.isEmpty() ? "60" : digits;
    }
}
