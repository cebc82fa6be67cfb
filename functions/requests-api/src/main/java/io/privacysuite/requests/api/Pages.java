package io.privacysuite.requests.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Small self-contained HTML pages for link clicks, in English, French, Dutch or German ({@code pages/texts.<lang>}):
 * no scripts, no external resources, escaped text. A page that changes something carries a single POST form.
 */
final class Pages {
    static final Set<String> LANGUAGES = Set.of("en", "fr", "nl", "de");
    private static final Map<String, Properties> TEXTS = new ConcurrentHashMap<>();

    private final String lang;

    private Pages(String lang) {
        this.lang = LANGUAGES.contains(lang) ? lang : "en";
    }

    static Pages in(String lang) {
        return new Pages(lang);
    }

    /** The request's language when known, else the first of the browser's Accept-Language that we speak. */
    static Pages forRequest(String requestLocale, String acceptLanguage) {
        if (requestLocale != null && LANGUAGES.contains(requestLocale)) {
            return new Pages(requestLocale);
        }
        if (acceptLanguage != null) {
            for (String range : acceptLanguage.split(",")) {
                String language = range.split(";")[0].strip().split("-")[0].toLowerCase(Locale.ROOT);
                if (LANGUAGES.contains(language)) {
                    return new Pages(language);
                }
            }
        }
        return new Pages("en");
    }

    String lang() {
        return lang;
    }

    /** The text for {@code key} with {0}, {1}... replaced (plain replacement: French apostrophes stay as written). */
    String text(String key, String... args) {
        String text = TEXTS.computeIfAbsent(lang, Pages::load).getProperty(key);
        if (text == null) {
            text = TEXTS.computeIfAbsent("en", Pages::load).getProperty(key, key);
        }
        for (int i = 0; i < args.length; i++) {
            text = text.replace("{" + i + "}", args[i]);
        }
        return text;
    }

    String typeLabel(String type) {
        return text("type." + type);
    }

    String date(LocalDate date) {
        return date.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(lang)));
    }

    String page(String title, String... paragraphs) {
        StringBuilder html = new StringBuilder(512)
                .append("<!doctype html><html lang=\"").append(lang).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\"><title>").append(escape(title)).append("</title>")
                .append("<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;")
                .append("line-height:1.5;color:#222}</style></head><body><h1>").append(escape(title)).append("</h1>");
        for (String p : paragraphs) {
            if (p != null && !p.isEmpty()) {
                html.append("<p>").append(escape(p)).append("</p>");
            }
        }
        return html.append("</body></html>").toString();
    }

    /** A page with one POST form: hidden fields, then the button, then {@code after} paragraphs. */
    String form(String title, String[] paragraphs, String action, Map<String, String> hidden, String button,
                String... after) {
        StringBuilder form = new StringBuilder("<form method=\"post\" action=\"").append(escape(action)).append("\">");
        hidden.forEach((name, value) -> form.append("<input type=\"hidden\" name=\"").append(escape(name))
                .append("\" value=\"").append(escape(value)).append("\">"));
        form.append("<button type=\"submit\">").append(escape(button)).append("</button></form>");
        for (String p : after) {
            form.append("<p>").append(escape(p)).append("</p>");
        }
        return page(title, paragraphs).replace("</body>", form + "</body>");
    }

    /** A page with a list of links after its paragraphs. */
    String withLinks(String html, Map<String, String> links) {
        StringBuilder list = new StringBuilder("<ul>");
        links.forEach((label, href) -> list.append("<li><a href=\"").append(escape(href)).append("\">")
                .append(escape(label)).append("</a></li>"));
        return html.replace("</body>", list + "</ul></body>");
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

    private static Properties load(String lang) {
        Properties p = new Properties();
        try (InputStream in = Pages.class.getClassLoader().getResourceAsStream("pages/texts." + lang + ".properties")) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
