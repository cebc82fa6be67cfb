package io.privacysuite.requests.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.ConsentProofs;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.SiteRegistry;
import io.privacysuite.core.Env;
import io.privacysuite.core.Ids;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiRequest;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.core.http.PublicBaseUrl;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.secrets.Secrets;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.UnsubscribeLinks;
import io.privacysuite.requests.Dispatcher;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.RequestStore;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * HTTP API (payload 2.0) entry point for data subject requests: intake ({@code POST /v1/requests}), the emailed
 * verification link, the person's status link, and RFC 8058 one-click unsubscribe. Link clicks answer small HTML
 * pages; API calls answer JSON.
 */
public final class RequestsApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final int MAX_BODY_BYTES = 16 * 1024;
    static final String ACCEPTED_MESSAGE = "If this address can receive email, a message with a confirmation link "
            + "is on its way. The request is handled once the link is followed.";

    private final IntakeService service;

    public RequestsApiHandler() {
        this(Env.system());
    }

    public RequestsApiHandler(Env env) {
        this(serviceFrom(env, Clock.systemUTC()));
    }

    /** For tests that need another time (e.g. to see a link expire) against the same tables and queues. */
    public RequestsApiHandler(Env env, Clock clock) {
        this(serviceFrom(env, clock));
    }

    public RequestsApiHandler(IntakeService service) {
        this.service = service;
    }

    static IntakeService serviceFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        SqsClient sqs = aws.build(SqsClient.builder(), "SQS");
        RetentionPolicy retention = RetentionPolicy.from(env);
        String requestsTable = env.require("REQUESTS_TABLE");
        String baseUrl = PublicBaseUrl.from(env);
        Secrets secrets = Secrets.from(env, aws);
        RequestStore store = new RequestStore(dynamo, requestsTable, retention);
        Outbox outbox = new Outbox(sqs, env.require("NOTIFICATIONS_QUEUE_URL"), env.require("PROCESSING_QUEUE_URL"));
        return new IntakeService(
                new SiteRegistry(dynamo, env.require("SITES_TABLE"), clock),
                store,
                new RateLimiter(requestsTable, retention, Duration.ofHours(1)),
                outbox,
                new Dispatcher(store, outbox, baseUrl, clock),
                new EmailPreferences(dynamo, env.require("EMAIL_PREFERENCES_TABLE"), retention),
                UnsubscribeLinks.from(secrets, env),
                new ConsentProofs(new ConsentStore(dynamo, env.require("CONSENTS_TABLE")), new ConsentSigner(secrets.secret(Secrets.CONSENT_SIGNING)),
                        clock),
                LegalClock.from(env),
                retention,
                new IntakeService.Limits(env.getInt("RATE_LIMIT_PER_ADDRESS_PER_HOUR", 5),
                        env.getInt("RATE_LIMIT_PER_IP_PER_HOUR", 30)),
                baseUrl,
                clock);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return handle(new ApiRequest(event), Log.of(context));
    }

    APIGatewayV2HTTPResponse handle(ApiRequest request, Log log) {
        try {
            return route(request, log);
        } catch (ApiException e) {
            log.info("request_api_refused", "route", request.routeKey(), "status", e.status(), "code", e.code());
            Map<String, String> headers = e.status() == 429 ? Map.of("retry-after", retryAfter(e)) : Map.of();
            return ApiResponses.error(e, headers);
        } catch (RuntimeException e) {
            log.error("request_api_failed", e, "route", request.routeKey(), "awsRequestId", request.requestId());
            if (request.routeKey().startsWith("GET ")) {
                return ApiResponses.html(500, Pages.page("Something went wrong",
                        "We could not complete this step. Please try the link again in a few minutes.",
                        "Reference: " + request.requestId()));
            }
            return ApiResponses.internalError(request.requestId());
        }
    }

    private APIGatewayV2HTTPResponse route(ApiRequest request, Log log) {
        return switch (request.routeKey()) {
            case "POST /v1/requests" -> {
                Submission submission = Submission.parse(request.jsonBody(MAX_BODY_BYTES));
                String requestId = service.submit(submission, request.sourceIp());
                log.info("request_received", "requestId", requestId, "type", submission.type().wire(),
                        "site", submission.siteId());
                ObjectNode body = Json.object();
                body.put("status", "received");
                body.put("message", ACCEPTED_MESSAGE);
                yield ApiResponses.json(202, body);
            }
            case "GET /v1/requests/{requestId}/verify" -> verify(request, log);
            case "GET /v1/requests/{requestId}" -> status(request);
            case "GET /v1/email/unsubscribe" -> {
                String token = request.query("token").orElse(null);
                if (!service.isValidUnsubscribe(token)) {
                    yield ApiResponses.html(400, Pages.page("Invalid link", "This unsubscribe link is not valid."));
                }
                yield ApiResponses.html(200, Pages.form("Unsubscribe", "Stop receiving these emails?",
                        "/v1/email/unsubscribe?token=" + token, "Unsubscribe"));
            }
            case "POST /v1/email/unsubscribe" -> {
                // RFC 8058: the body is "List-Unsubscribe=One-Click"; the signed token in the URL identifies the list.
                if (!service.unsubscribe(request.query("token").orElse(null))) {
                    yield ApiResponses.html(400, Pages.page("Invalid link", "This unsubscribe link is not valid."));
                }
                log.info("unsubscribed", "method", "one_click");
                yield ApiResponses.html(200, Pages.page("Unsubscribed",
                        "You will no longer receive these emails. Service messages about your own requests still reach you."));
            }
            default -> throw new ApiException(404, "not_found", "No such route.");
        };
    }

    private APIGatewayV2HTTPResponse verify(ApiRequest request, Log log) {
        String requestId = request.pathParameter("requestId");
        // Request ids are UUIDs: anything else is answered as an invalid link without a store read.
        IntakeService.Verification v = Ids.isUuid(requestId)
                ? service.verify(requestId, request.query("token").orElse(null), request.query("expires").orElse(null))
                : new IntakeService.Verification(IntakeService.VerifyResult.INVALID, null);
        log.info("request_link_clicked", "requestId", requestId, "result", v.result().name().toLowerCase(Locale.ROOT));
        return switch (v.result()) {
            case VERIFIED -> ApiResponses.html(200, Pages.page("Request confirmed",
                    "Thank you. Your " + v.request().type().wire() + " request is confirmed and is being handled.",
                    "We will answer by " + longDate(v.request().deadline().dueOn()) + " at the latest.",
                    "An acknowledgement with a link to follow your request is on its way to your inbox.",
                    "Request reference: " + v.request().requestId()));
            case ALREADY_VERIFIED -> ApiResponses.html(409, Pages.page("Already confirmed",
                    "This request was already confirmed; there is nothing more to do.",
                    "Request reference: " + v.request().requestId()));
            case EXPIRED -> ApiResponses.html(410, Pages.page("Link expired",
                    "This confirmation link has expired and the unconfirmed request was deleted.",
                    "Please submit your request again; you will receive a new link."));
            case INVALID -> ApiResponses.html(404, Pages.page("Link not valid",
                    "This confirmation link is not valid. Check that you used the full link from the email, "
                            + "or submit your request again."));
        };
    }

    private APIGatewayV2HTTPResponse status(ApiRequest request) {
        String requestId = request.pathParameter("requestId");
        Optional<DsarRequest> found = Ids.isUuid(requestId)
                ? service.status(requestId, request.query("token").orElse(null)) : Optional.empty();
        boolean html = request.header("accept").map(a -> a.contains("text/html")).orElse(false);
        if (found.isEmpty()) {
            if (html) {
                return ApiResponses.html(404, Pages.page("Request not found",
                        "This status link is not valid, or the request record has reached the end of its retention."));
            }
            throw ApiException.notFound("Request");
        }
        DsarRequest r = found.get();
        if (html) {
            return ApiResponses.html(200, Pages.page("Your " + r.type().wire() + " request",
                    "Status: " + r.status().wire().replace('_', ' ') + ".",
                    "Received on " + longDate(r.deadline().receivedOn()) + "; answer due by "
                            + longDate(r.deadline().dueOn()) + ".",
                    r.deadline().isExtended() ? "The deadline was extended: " + r.deadline().extensionReason() : "",
                    "Request reference: " + r.requestId()));
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
            if (r.closeReason() != null) {
                body.put("closeReason", r.closeReason());
            }
        }
        return ApiResponses.json(200, body);
    }

    private static String longDate(LocalDate date) {
        return date.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.ENGLISH));
    }

    private static String retryAfter(ApiException e) {
        String digits = e.getMessage().replaceAll("[^0-9]", "");
        return digits.isEmpty() ? "60" : digits;
    }
}
