package io.privacysuite.requests.api;

import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.ExportFiles;
import io.privacysuite.requests.RequestOutcome;
import io.privacysuite.requests.RequestStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The person's status page: a timeline read from the request's audit trail (received, confirmed, in progress,
 * extended with the reason, completed with what was exported, erased or kept and why, or refused with the reason),
 * what comes next, and the export's download links while they work. Internal steps (sources, retries, escalations)
 * are not shown: a person sees "in progress" until the answer.
 */
final class StatusPage {
    private StatusPage() {}

    private record Step(String title, Instant at, List<String> lines) {}

    static String render(Pages pages, DsarRequest r, String token, Instant now) {
        List<Step> steps = new ArrayList<>();
        boolean progress = false;
        for (AuditEntry e : r.audit()) {
            switch (e.action()) {
                case "receive" -> steps.add(new Step(pages.text("step.received"), e.at(),
                        List.of(pages.text("step.received.body"))));
                case "verify" -> steps.add(new Step(pages.text("step.confirmed"), e.at(),
                        List.of(pages.text("step.confirmed.body"))));
                case "start_fulfilment", "route_to_operator" -> {
                    String body = pages.text(e.action().equals("route_to_operator") ? "step.routed.body"
                            : "step.progress.body");
                    if (!progress || e.action().equals("route_to_operator")) {
                        steps.add(new Step(pages.text("step.progress"), e.at(), List.of(body)));
                    }
                    progress = true;
                }
                case "extend" -> steps.add(new Step(pages.text("step.extended"), e.at(), List.of(pages.text(
                        "step.extended.body", pages.date(r.deadline().dueOn()),
                        r.deadline().extensionReason() == null ? "" : r.deadline().extensionReason()))));
                case "complete" -> steps.add(new Step(pages.text("step.completed"), e.at(), outcome(pages, r)));
                case "reject" -> steps.add(new Step(pages.text("step.rejected"), e.at(),
                        List.of(pages.text("step.rejected.body", r.closeReason() == null ? e.why() : r.closeReason()))));
                default -> { }
            }
        }
        StringBuilder html = new StringBuilder(2048);
        html.append("<h2>").append(Pages.escape(pages.text("status.timeline"))).append("</h2><ol class=\"timeline\">");
        for (Step s : steps) {
            LocalDate day = LocalDate.ofInstant(s.at(), r.deadline().zone());
            html.append("<li><strong>").append(Pages.escape(s.title())).append("</strong> <span class=\"when\"><time "
                    + "datetime=\"").append(day).append("\">").append(Pages.escape(pages.date(day)))
                    .append("</time></span>");
            for (String line : s.lines()) {
                html.append("<br>").append(Pages.escape(line));
            }
            html.append("</li>");
        }
        html.append("</ol>");
        if (r.status().isOpen() || r.status() == RequestStatus.PENDING_VERIFICATION) {
            html.append("<h2>").append(Pages.escape(pages.text("step.next"))).append("</h2><p>")
                    .append(Pages.escape(pages.text("step.next.body", pages.date(r.deadline().dueOn()))))
                    .append("</p>");
        }
        if (r.closedLate()) {
            html.append("<p>").append(Pages.escape(pages.text("status.closedLate"))).append("</p>");
        }
        if (r.downloadExpiresAt() != null && now.isBefore(r.downloadExpiresAt())) {
            html.append("<p>").append(Pages.escape(pages.text("status.download",
                    pages.date(LocalDate.ofInstant(r.downloadExpiresAt(), r.deadline().zone()))))).append("</p><ul>");
            // Relative links: the page is .../requests/{id}; each click presigns a fresh link to the file.
            for (String file : List.of(ExportFiles.HTML, ExportFiles.JSON)) {
                html.append("<li><a href=\"").append(Pages.escape(r.requestId() + "/download/" + file + "?token="
                        + token)).append("\">").append(Pages.escape(pages.text(file.endsWith(".html") ? "download.html"
                        : "download.json"))).append("</a></li>");
            }
            html.append("</ul>");
        }
        html.append("<p>").append(Pages.escape(pages.text("reference", r.requestId()))).append("</p>");
        return pages.layout(pages.text("status.title", pages.typeLabel(r.type().wire())), html.toString());
    }

    /** What the completed request did, in the person's language. */
    static List<String> outcome(Pages pages, DsarRequest r) {
        List<String> lines = new ArrayList<>();
        RequestOutcome.from(r.audit()).ifPresentOrElse(o -> {
            switch (o.kind()) {
                case EXPORT -> lines.add(pages.plural("outcome.export", o.records()));
                case ERASURE -> {
                    lines.add(pages.plural("outcome.erased", o.erased()));
                    for (RequestOutcome.Kept k : o.kept()) {
                        lines.add(pages.plural("outcome.kept", k.count(), k.category().replace('_', ' '),
                                k.legalBasis()) + (k.until() == null ? "" : " " + pages.text("outcome.kept.until",
                                pages.date(LocalDate.parse(k.until())))));
                    }
                }
                case RECTIFICATION -> lines.add(pages.text("outcome.rectified", String.join(", ", o.corrected())));
                case NO_DATA -> lines.add(pages.text("outcome.nodata"));
                case FLAGGED -> lines.add(pages.text("outcome." + r.type().wire()));
            }
        }, () -> {
            if (r.closeReason() != null) {
                // Closed by an operator: their answer, as they wrote it.
                lines.add(pages.text("outcome.operator", r.closeReason()));
            }
        });
        return lines;
    }
}
