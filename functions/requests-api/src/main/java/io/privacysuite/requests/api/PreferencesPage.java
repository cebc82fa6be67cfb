package io.privacysuite.requests.api;

import io.privacysuite.core.http.ApiRequest;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.core.Log;
import io.privacysuite.notify.EmailTopics;
import io.privacysuite.notify.UnsubscribeLinks;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The email preferences page a marketing mail links to: each optional topic on its own with its state, "unsubscribe
 * from all", and the notices that are always sent with the reason. The GET reads only (a mail scanner opening the link
 * changes nothing); the page's own form POSTs the choices with the signed token as a hidden field, under the same
 * cross-site check as the confirmation page. Branded for the site the link names; no scripts.
 */
final class PreferencesPage {
    private static final String PREFIX = "topic.";
    private final IntakeService service;

    PreferencesPage(IntakeService service) {
        this.service = service;
    }

    APIGatewayV2HTTPResponse show(ApiRequest request, Log log) {
        String token = request.query("token").orElse(null);
        IntakeService.Choices choices = service.choices(token);
        log.info("preferences_opened", "result", choices.check().name().toLowerCase(java.util.Locale.ROOT));
        return answer(pages(request, choices), token, choices, null, 200);
    }

    APIGatewayV2HTTPResponse save(ApiRequest request, Log log, boolean fromOwnPage, int maxFormBytes) {
        Map<String, String> form = request.formBody(maxFormBytes);
        if (!fromOwnPage) {
            log.info("preferences_refused", "reason", "not_from_preferences_page");
            Pages pages = pages(request, null);
            return ApiResponses.html(403, pages.page(pages.text("forbidden.title"), pages.text("prefs.forbidden.body")));
        }
        Set<String> wanted = new LinkedHashSet<>();
        String action = form.getOrDefault("action", "save");
        boolean readable = action.equals("save") || action.equals("all");
        for (Map.Entry<String, String> field : form.entrySet()) {
            String name = field.getKey();
            String topic = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : null;
            if (topic != null && EmailTopics.OPTIONAL.contains(topic) && field.getValue().equals("on")) {
                wanted.add(topic);
            } else if (!name.equals("token") && !name.equals("action")) {
                readable = false;
            }
        }
        String token = form.get("token");
        if (!readable || token == null || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            log.info("preferences_refused", "reason", "unreadable_form");
            Pages pages = pages(request, null);
            return ApiResponses.html(400, pages.page(pages.text("prefs.invalid.title"), pages.text("prefs.bad.body")));
        }
        boolean all = action.equals("all");
        IntakeService.Choices choices = service.saveChoices(token, wanted, all);
        log.info("preferences_saved", "result", choices.check().name().toLowerCase(java.util.Locale.ROOT),
                "method", IntakeService.PREFERENCES_PAGE, "all", all);
        Pages pages = pages(request, choices);
        return answer(pages, token, choices, pages.text(all ? "prefs.allDone" : "prefs.saved"), 200);
    }

    /** The person's language: the link's {@code lang}, else the browser's; branded for the link's site. */
    private Pages pages(ApiRequest request, IntakeService.Choices choices) {
        Pages pages = Pages.forRequest(request.query("lang").orElse(null), null,
                request.header("accept-language").orElse(null));
        String siteId = choices == null || choices.target() == null ? null : choices.target().siteId();
        return siteId == null ? pages : pages.forSite(service.site(siteId).orElse(null));
    }

    private static APIGatewayV2HTTPResponse answer(Pages pages, String token, IntakeService.Choices choices,
                                                   String done, int status) {
        return switch (choices.check()) {
            case INVALID -> ApiResponses.html(400, pages.page(pages.text("prefs.invalid.title"),
                    pages.text("prefs.invalid.body")));
            case EXPIRED -> ApiResponses.html(410, pages.page(pages.text("prefs.expired.title"),
                    pages.text("prefs.expired.body")));
            case VALID -> ApiResponses.html(status, pages.layout(pages.text("prefs.title"),
                    body(pages, token, choices, done)));
        };
    }

    static String body(Pages pages, String token, IntakeService.Choices choices, String done) {
        StringBuilder html = new StringBuilder();
        if (done != null) {
            html.append("<p role=\"status\" class=\"done\"><strong>").append(Pages.escape(done)).append("</strong></p>");
        }
        html.append("<p>").append(Pages.escape(pages.text("prefs.intro"))).append("</p>");
        if (choices.state().objected()) {
            html.append("<p>").append(Pages.escape(pages.text("prefs.objected"))).append("</p>");
        }
        // Relative action: the page's own path, so a base path in front of the API stays; the language stays too.
        html.append("<form method=\"post\" action=\"preferences?lang=").append(pages.lang()).append("\">")
                .append("<input type=\"hidden\" name=\"token\" value=\"").append(Pages.escape(token)).append("\">")
                .append("<fieldset><legend>").append(Pages.escape(pages.text("prefs.optional"))).append("</legend>");
        for (String topic : EmailTopics.OPTIONAL) {
            String id = "topic-" + topic;
            boolean on = choices.receives(topic);
            html.append("<div class=\"choice\"><input type=\"checkbox\" id=\"").append(id).append("\" name=\"")
                    .append(PREFIX).append(topic).append("\" value=\"on\" aria-describedby=\"").append(id)
                    .append("-about\"").append(on ? " checked" : "").append("> <label for=\"").append(id).append("\">")
                    .append(Pages.escape(pages.text("prefs.topic." + topic))).append("</label><p id=\"").append(id)
                    .append("-about\">").append(Pages.escape(pages.text("prefs.topic." + topic + ".about"))).append(' ')
                    .append(Pages.escape(pages.text(on ? "prefs.now.on" : "prefs.now.off"))).append("</p></div>");
        }
        html.append("</fieldset><p class=\"actions\"><button type=\"submit\" name=\"action\" value=\"save\">")
                .append(Pages.escape(pages.text("prefs.save"))).append("</button> ")
                .append("<button type=\"submit\" name=\"action\" value=\"all\">")
                .append(Pages.escape(pages.text("prefs.all"))).append("</button></p></form>");
        html.append("<h2>").append(Pages.escape(pages.text("prefs.required"))).append("</h2><p>")
                .append(Pages.escape(pages.text("prefs.required.why"))).append("</p><ul>");
        for (String topic : EmailTopics.REQUIRED) {
            html.append("<li><strong>").append(Pages.escape(pages.text("prefs.topic." + topic))).append("</strong>: ")
                    .append(Pages.escape(pages.text("prefs.topic." + topic + ".about"))).append("</li>");
        }
        return html.append("</ul>").toString();
    }
}
