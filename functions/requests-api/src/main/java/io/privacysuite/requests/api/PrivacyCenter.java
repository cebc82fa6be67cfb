package io.privacysuite.requests.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.Site;
import io.privacysuite.core.Ids;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiRequest;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.requests.RequestType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A site's privacy center: the request form ({@code GET /v1/sites/{siteId}/privacy}) and the intake it posts to
 * ({@code POST /v1/sites/{siteId}/requests}), which also takes JSON from the company's own form on one of the site's
 * registered origins (CORS, with its preflight {@code OPTIONS}).
 *
 * <p>Cross-site posting: intake answers nobody's session, but a hostile page could make its visitors' browsers post
 * requests for addresses of its choosing, each from another IP. A browser names the page a POST comes from
 * ({@code Origin}; {@code Sec-Fetch-Site}), so a POST from a browser is taken only from the suite's own pages or the
 * site's registered origins. Without those headers (a server, curl) it is taken like {@code POST /v1/requests}, under
 * the same rate limits.
 */
final class PrivacyCenter {
    static final List<String> TYPES = List.of("access", "portability", "rectification", "erasure", "restriction",
            "objection");
    private static final int MAX_FORM_BYTES = 8 * 1024;

    private final IntakeService service;
    private final String publicOrigin;

    PrivacyCenter(IntakeService service, String publicOrigin) {
        this.service = service;
        this.publicOrigin = publicOrigin;
    }

    /** The form, empty (or with {@code ?type=} chosen); GET never writes anything. */
    APIGatewayV2HTTPResponse formPage(ApiRequest request) {
        Site site = site(request);
        Pages pages = pages(request, site, request.query("lang").orElse(null));
        String type = request.query("type").filter(TYPES::contains).orElse(null);
        return ApiResponses.html(200, form(pages, site, type, "", "", Map.of()));
    }

    /** CORS preflight: allowed for the site's registered origins only; others get no CORS headers (the browser stops). */
    APIGatewayV2HTTPResponse preflight(ApiRequest request) {
        Site site = site(request);
        Map<String, String> headers = new LinkedHashMap<>();
        request.header("origin").filter(site::allowsOrigin).ifPresent(origin -> {
            headers.putAll(cors(origin));
            headers.put("access-control-allow-methods", "POST, OPTIONS");
            headers.put("access-control-allow-headers", "content-type");
            headers.put("access-control-max-age", "600");
        });
        headers.put("vary", "origin");
        return ApiResponses.noContent(headers);
    }

    /** Intake on a site's path: a form post answers a page, JSON answers JSON (with CORS for a registered origin). */
    APIGatewayV2HTTPResponse submit(ApiRequest request, Log log) {
        Site site = site(request);
        Optional<String> origin = request.header("origin").map(String::strip);
        boolean form = request.header("content-type").map(t -> t.toLowerCase(Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded")).orElse(false);
        if (!fromAllowedPage(request, site, origin)) {
            log.info("request_intake_refused", "site", site.siteId(), "reason", "cross_site_post");
            throw new ApiException(403, "origin_not_allowed",
                    "Requests are taken from the suite's own form or the site's registered origins.");
        }
        Map<String, String> corsHeaders = origin.filter(site::allowsOrigin).map(PrivacyCenter::cors).orElse(Map.of());
        if (!form) {
            ObjectNode body;
            try {
                // Inside the try: the company's page may read every refusal (CORS headers on errors too).
                body = (ObjectNode) request.jsonBody(RequestsApiHandler.MAX_BODY_BYTES).deepCopy();
                if (body.hasNonNull("siteId") && !site.siteId().equals(body.path("siteId").asText())) {
                    throw DomainException.invalid(Map.of("siteId", "must be the site of the path"));
                }
                body.put("siteId", site.siteId());
                if (!body.hasNonNull("locale")) {
                    body.put("locale", Pages.forRequest(null, request.header("accept-language").orElse(null)).lang());
                }
                RequestsApiHandler.accept(service, Submission.parse(body), request, log);
            } catch (ApiException | DomainException refusal) {
                ApiException e = RequestsApiHandler.inLanguage(ApiException.of(refusal),
                        Pages.in(RequestsApiHandler.intakeLanguage(request)));
                Map<String, String> headers = new LinkedHashMap<>(corsHeaders);
                if (e.status() == 429) {
                    headers.put("retry-after", Long.toString(RequestsApiHandler.retryAfterSeconds(refusal)));
                }
                return ApiResponses.error(e, headers);
            }
            return ApiResponses.json(202, RequestsApiHandler.accepted(Pages.in(body.path("locale").asText("en")
                    .split("[-_]")[0])), corsHeaders);
        }
        Map<String, String> fields = request.formBody(MAX_FORM_BYTES);
        Pages pages = pages(request, site, fields.get("lang"));
        String type = fields.getOrDefault("type", "");
        String email = fields.getOrDefault("email", "");
        String details = fields.getOrDefault("details", "").strip();
        ObjectNode body = Json.object();
        if (!type.isEmpty()) {
            body.put("type", type);
        }
        body.put("email", email);
        body.put("siteId", site.siteId());
        body.put("locale", pages.lang());
        if (!details.isEmpty()) {
            body.putObject("details").put("message", details);
        }
        try {
            RequestsApiHandler.accept(service, Submission.parse(body), request, log);
        } catch (DomainException | ApiException refusal) {
            ApiException e = ApiException.of(refusal);
            if (e.status() == 429) {
                return withHeader(ApiResponses.html(429, pages.page(pages.text("form.limited.title"),
                        pages.text("form.limited.body"))), "retry-after",
                        Long.toString(RequestsApiHandler.retryAfterSeconds(refusal)));
            }
            if (e.status() != 400) {
                throw refusal;
            }
            Map<String, String> errors = new LinkedHashMap<>();
            e.fieldErrors().keySet().forEach(f -> errors.put(f.startsWith("details") ? "details" : f,
                    pages.text("form.error." + (f.startsWith("details") ? "details" : f))));
            return ApiResponses.html(400, form(pages, site, TYPES.contains(type) ? type : null, email, details, errors));
        }
        return ApiResponses.html(202, pages.page(pages.text("form.sent.title"), pages.text("accepted"),
                pages.text("form.sent.spam")));
    }

    private static APIGatewayV2HTTPResponse withHeader(APIGatewayV2HTTPResponse response, String name, String value) {
        response.getHeaders().put(name, value);
        return response;
    }

    private static Map<String, String> cors(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("access-control-allow-origin", origin);
        headers.put("access-control-expose-headers", "retry-after");
        headers.put("vary", "origin");
        return headers;
    }

    private boolean fromAllowedPage(ApiRequest request, Site site, Optional<String> origin) {
        if (origin.isPresent()) {
            String o = origin.get().toLowerCase(Locale.ROOT);
            return o.equals(publicOrigin) || site.allowsOrigin(origin.get());
        }
        // A browser that says where the POST comes from but not its origin: only a same-origin one is believable.
        return request.header("sec-fetch-site").map(s -> s.strip().equalsIgnoreCase("same-origin")
                || s.strip().equalsIgnoreCase("none")).orElse(true);
    }

    private Site site(ApiRequest request) {
        String siteId = request.pathParameter("siteId");
        if (!Ids.isSiteId(siteId)) {
            throw ApiException.notFound("Site");
        }
        return service.site(siteId).orElseThrow(() -> ApiException.notFound("Site"));
    }

    private static Pages pages(ApiRequest request, Site site, String chosen) {
        return Pages.forRequest(chosen, null, request.header("accept-language").orElse(null)).forSite(site)
                .withSwitcher("");
    }

    /** The request form: each right in plain words, the address, details; field errors next to their fields. */
    static String form(Pages pages, Site site, String chosenType, String email, String details,
                       Map<String, String> errors) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<p>").append(Pages.escape(pages.text("form.intro", site.displayName()))).append("</p>");
        if (!errors.isEmpty()) {
            html.append("<p class=\"error\" role=\"alert\">").append(Pages.escape(pages.text("form.error.summary")))
                    .append("</p>");
        }
        // Relative: the page is .../sites/{siteId}/privacy, whatever base path the API is served under.
        html.append("<form method=\"post\" action=\"requests\" novalidate>")
                .append("<input type=\"hidden\" name=\"lang\" value=\"").append(pages.lang()).append("\">");
        html.append("<fieldset").append(errors.containsKey("type") ? " aria-describedby=\"type-error\"" : "")
                .append("><legend><strong>").append(Pages.escape(pages.text("form.type"))).append("</strong></legend>");
        if (errors.containsKey("type")) {
            html.append("<p class=\"error\" id=\"type-error\">").append(Pages.escape(errors.get("type"))).append("</p>");
        }
        for (String type : TYPES) {
            html.append("<div class=\"choice\"><input type=\"radio\" name=\"type\" id=\"type-").append(type)
                    .append("\" value=\"").append(type).append("\" aria-describedby=\"type-").append(type)
                    .append("-help\"").append(type.equals(chosenType) ? " checked" : "").append("> <label for=\"type-")
                    .append(type).append("\">").append(Pages.escape(pages.text("form.choice." + type)))
                    .append("</label><p id=\"type-").append(type).append("-help\">")
                    .append(Pages.escape(pages.text("what." + type))).append("</p></div>");
        }
        html.append("</fieldset>");
        field(html, pages, errors, "email", "<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" "
                + "required maxlength=\"254\" value=\"" + Pages.escape(email) + "\"", ">");
        field(html, pages, errors, "details", "<textarea id=\"details\" name=\"details\" rows=\"4\" maxlength=\""
                + Submission.MAX_DETAIL_LENGTH + "\"", ">" + Pages.escape(details) + "</textarea>");
        html.append("<p><button type=\"submit\">").append(Pages.escape(pages.text("form.submit")))
                .append("</button></p></form>");
        html.append("<p>").append(Pages.escape(pages.text("form.verify"))).append("</p>");
        return pages.layout(pages.text("form.title"), html.toString());
    }

    /** A label, a hint, an error if any, then the control: its opening tag's start, our attributes, {@code close}. */
    private static void field(StringBuilder html, Pages pages, Map<String, String> errors, String name, String control,
                              String close) {
        String describedBy = name + "-help" + (errors.containsKey(name) ? " " + name + "-error" : "");
        html.append("<p><label for=\"").append(name).append("\">").append(Pages.escape(pages.text("form." + name)))
                .append("</label></p><p id=\"").append(name).append("-help\">")
                .append(Pages.escape(pages.text("form." + name + ".help"))).append("</p>");
        if (errors.containsKey(name)) {
            html.append("<p class=\"error\" id=\"").append(name).append("-error\">")
                    .append(Pages.escape(errors.get(name))).append("</p>");
        }
        html.append("<p>").append(control).append(" aria-describedby=\"").append(describedBy).append("\"")
                .append(errors.containsKey(name) ? " aria-invalid=\"true\"" : "").append(close).append("</p>");
    }
}
