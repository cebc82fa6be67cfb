package io.privacysuite.requests.api;

import io.privacysuite.consent.Branding;
import io.privacysuite.consent.Site;
import io.privacysuite.core.Texts;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;

/**
 * Server-rendered HTML pages for people, in English, French, Dutch or German ({@code pages/texts.<lang>}): no
 * scripts, escaped text, phone-width. A page that changes something carries a POST form. With a site, the page
 * carries its branding (company name and logo) and a footer with its contact, its data protection officer and the
 * supervisory authority a person may complain to; with a switcher path, links to the same page in each language.
 */
final class Pages {
    static final java.util.List<String> LANGUAGES = Texts.LANGUAGES;
    private static final Texts TEXTS = new Texts(Pages.class, "pages/texts");
    private static final Map<String, String> LANGUAGE_NAMES = Map.of("en", "English", "fr", "Français",
            "nl", "Nederlands", "de", "Deutsch");
    /** Dark enough on white for WCAG AA (text 4.5:1); focus outlines visible; nothing wider than a phone needs. */
    private static final String STYLE = "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;"
            + "line-height:1.5;color:#1a1a1a;background:#fff}header,main,footer{max-width:40rem;margin:0 auto;"
            + "padding:1rem}header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:"
            + "space-between;border-bottom:1px solid #ccc}.brand{display:flex;align-items:center;gap:.5rem;"
            + "font-weight:600}.brand img{max-height:2.5rem;max-width:8rem}nav ul{list-style:none;display:flex;"
            + "flex-wrap:wrap;gap:.75rem;margin:0;padding:0}a{color:#0b4fa0;overflow-wrap:anywhere}"
            + "a:focus,button:focus,input:focus,textarea:focus{outline:3px solid #0b4fa0;outline-offset:2px}"
            + "footer{border-top:1px solid #ccc;font-size:.95rem}fieldset{border:1px solid #999;padding:.5rem 1rem;"
            + "margin:0 0 1rem}.choice{margin:.5rem 0}.choice p{margin:.1rem 0 0 1.75rem;color:#3d3d3d}"
            + "label{font-weight:600}input[type=email],textarea{width:100%;font:inherit;padding:.5rem;"
            + "border:1px solid #666}button{font:inherit;padding:.6rem 1.2rem;background:#0b4fa0;color:#fff;"
            + "border:0;border-radius:4px;cursor:pointer}.error{color:#a4000f;font-weight:600}"
            + "ol.timeline{padding-left:1.25rem}ol.timeline li{margin:0 0 .75rem}.when{color:#3d3d3d}"
            + "h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem}";

    private final String lang;
    private final Site site;
    private final String switcherPath;

    private Pages(String lang, Site site, String switcherPath) {
        this.lang = LANGUAGES.contains(lang) ? lang : "en";
        this.site = site;
        this.switcherPath = switcherPath;
    }

    static Pages in(String lang) {
        return new Pages(lang, null, null);
    }

    /**
     * The language the person chose on the page ({@code ?lang=}), else the request's language when known, else the
     * first of the browser's Accept-Language that we speak, else English.
     */
    static Pages forRequest(String chosen, String requestLocale, String acceptLanguage) {
        if (chosen != null && LANGUAGES.contains(chosen)) {
            return in(chosen);
        }
        return forRequest(requestLocale, acceptLanguage);
    }

    /** The request's language when known, else the first of the browser's Accept-Language that we speak. */
    static Pages forRequest(String requestLocale, String acceptLanguage) {
        if (requestLocale != null && LANGUAGES.contains(requestLocale)) {
            return in(requestLocale);
        }
        if (acceptLanguage != null) {
            for (String range : acceptLanguage.split(",")) {
                String language = range.split(";")[0].strip().split("-")[0].toLowerCase(Locale.ROOT);
                if (LANGUAGES.contains(language)) {
                    return in(language);
                }
            }
        }
        return in("en");
    }

    /** These pages branded for {@code site} (null: unbranded). */
    Pages forSite(Site site) {
        return new Pages(lang, site, switcherPath);
    }

    /**
     * These pages with a language switcher: links to the same page (relative, so a base path in front of the API
     * stays) with {@code query} (the page's own parameters, without {@code lang}) and {@code lang=} each language.
     */
    Pages withSwitcher(String query) {
        return new Pages(lang, site, query);
    }

    String lang() {
        return lang;
    }

    /** The text for {@code key} with {0}, {1}... replaced (plain replacement: French apostrophes stay as written). */
    String text(String key, String... args) {
        return TEXTS.text(lang, key, args);
    }

    /** Whether there is a text for {@code key} (in this language or English). */
    boolean has(String key) {
        return TEXTS.all(lang).containsKey(key) || TEXTS.all("en").containsKey(key);
    }

    /** {@code key.one} for 1, else {@code key.other}, with {0} the count (the four languages' plural rules). */
    String plural(String key, long count, String... more) {
        return TEXTS.plural(lang, key, count, more);
    }

    String typeLabel(String type) {
        return text("type." + type);
    }

    String date(LocalDate date) {
        return date.format(DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(lang)));
    }

    String page(String title, String... paragraphs) {
        StringBuilder main = new StringBuilder();
        for (String p : paragraphs) {
            if (p != null && !p.isEmpty()) {
                main.append("<p>").append(escape(p)).append("</p>");
            }
        }
        return layout(title, main.toString());
    }

    /** A whole page around {@code mainHtml} (already escaped): header, language switcher, h1, footer. */
    String layout(String title, String mainHtml) {
        String company = site == null ? null : site.displayName();
        StringBuilder html = new StringBuilder(2048)
                .append("<!doctype html><html lang=\"").append(lang).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\"><title>").append(escape(title))
                .append(company == null ? "" : " - " + escape(company)).append("</title>")
                .append("<style>").append(STYLE).append("</style></head><body>");
        if (company != null || switcherPath != null) {
            html.append("<header>");
            if (company != null) {
                html.append("<div class=\"brand\">");
                if (site.branding().logoUrl() != null) {
                    html.append("<img src=\"").append(escape(site.branding().logoUrl())).append("\" alt=\"")
                            .append(escape(text("brand.logo", company))).append("\">");
                }
                html.append("<span>").append(escape(company)).append("</span></div>");
            }
            if (switcherPath != null) {
                html.append("<nav aria-label=\"").append(escape(text("nav.languages"))).append("\"><ul>");
                String prefix = "?" + (switcherPath.isEmpty() ? "" : switcherPath + "&") + "lang=";
                for (String l : LANGUAGES) {
                    html.append("<li><a href=\"").append(escape(prefix + l))
                            .append("\" lang=\"").append(l).append("\" hreflang=\"").append(l).append("\"")
                            .append(l.equals(lang) ? " aria-current=\"page\"" : "").append(">")
                            .append(escape(LANGUAGE_NAMES.get(l))).append("</a></li>");
                }
                html.append("</ul></nav>");
            }
            html.append("</header>");
        }
        html.append("<main><h1>").append(escape(title)).append("</h1>").append(mainHtml).append("</main>");
        html.append(footer());
        return html.append("</body></html>").toString();
    }

    /** Who to contact and where to complain (GDPR Art. 13(1)(a)-(b), 13(2)(d)); empty without a site. */
    private String footer() {
        if (site == null) {
            return "";
        }
        Branding b = site.branding();
        StringBuilder f = new StringBuilder("<footer><h2>").append(escape(text("footer.title"))).append("</h2>");
        if (b.contactEmail() != null) {
            f.append("<p>").append(escape(text("footer.contact", site.displayName()))).append(' ')
                    .append(mailto(b.contactEmail())).append("</p>");
        }
        if (b.dpoEmail() != null || b.dpoName() != null) {
            f.append("<p>").append(escape(text("footer.dpo")));
            if (b.dpoName() != null) {
                f.append(' ').append(escape(b.dpoName()));
            }
            if (b.dpoEmail() != null) {
                f.append(' ').append(mailto(b.dpoEmail()));
            }
            f.append("</p>");
        }
        f.append("<p>").append(escape(text("footer.complain"))).append(' ');
        if (b.authorityName() != null && b.authorityUrl() != null) {
            f.append("<a href=\"").append(escape(b.authorityUrl())).append("\">").append(escape(b.authorityName()))
                    .append("</a>.");
        } else if (b.authorityName() != null) {
            f.append(escape(b.authorityName())).append('.');
        } else {
            f.append(escape(text("footer.complain.any")));
        }
        return f.append("</p></footer>").toString();
    }

    private static String mailto(String address) {
        return "<a href=\"mailto:" + escape(address) + "\">" + escape(address) + "</a>";
    }

    /** A page with one POST form: hidden fields, then the button, then {@code after} paragraphs. */
    String form(String title, String[] paragraphs, String action, Map<String, String> hidden, String button,
                String... after) {
        StringBuilder main = new StringBuilder();
        for (String p : paragraphs) {
            if (p != null && !p.isEmpty()) {
                main.append("<p>").append(escape(p)).append("</p>");
            }
        }
        main.append("<form method=\"post\" action=\"").append(escape(action)).append("\">");
        hidden.forEach((name, value) -> main.append("<input type=\"hidden\" name=\"").append(escape(name))
                .append("\" value=\"").append(escape(value)).append("\">"));
        main.append("<button type=\"submit\">").append(escape(button)).append("</button></form>");
        for (String p : after) {
            main.append("<p>").append(escape(p)).append("</p>");
        }
        return layout(title, main.toString());
    }

    /** A page with a list of links after its paragraphs. */
    String withLinks(String html, Map<String, String> links) {
        StringBuilder list = new StringBuilder("<ul>");
        links.forEach((label, href) -> list.append("<li><a href=\"").append(escape(href)).append("\">")
                .append(escape(label)).append("</a></li>"));
        return html.replace("</main>", list + "</ul></main>");
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
