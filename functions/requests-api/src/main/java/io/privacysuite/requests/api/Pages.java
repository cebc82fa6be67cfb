package io.privacysuite.requests.api;

/** Small self-contained HTML pages for link clicks: no scripts, no external resources, escaped text. */
final class Pages {
    private Pages() {}

    static String page(String title, String... paragraphs) {
        StringBuilder html = new StringBuilder(512)
                .append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\"><title>").append(escape(title)).append("</title>")
                .append("<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;")
                .append("line-height:1.5;color:#222}</style></head><body><h1>").append(escape(title)).append("</h1>");
        for (String p : paragraphs) {
            html.append("<p>").append(escape(p)).append("</p>");
        }
        return html.append("</body></html>").toString();
    }

    /** A page with a single POST button (the unsubscribe confirmation for people who open the link). */
    static String form(String title, String text, String action, String button) {
        return page(title, text).replace("</body>", "<form method=\"post\" action=\"" + escape(action) + "\">"
                + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button type=\"submit\">" + escape(button) + "</button></form></body>");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
