package io.privacysuite.notifier;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import io.privacysuite.core.Texts;
import io.privacysuite.notify.EmailTemplate;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.FormatStyle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders an email from {@code templates/<name>.<locale>.mustache} (falling back to English): the first line is
 * {@code Subject: ...}, the rest after a blank line is the plain-text body. The HTML part is derived from the
 * text (escaped, paragraphs, links made clickable) inside {@code templates/layout.html.mustache}, so each
 * template is written once per language. Values are never HTML-escaped in the text part and always in the HTML.
 */
public final class TemplateRenderer {
    public static final Set<String> LOCALES = Set.of("en", "fr", "nl", "de");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+");

    private final Mustache.Compiler textCompiler = Mustache.compiler().escapeHTML(false).defaultValue("");
    private final Template layout = Mustache.compiler().defaultValue("").compile(read("templates/layout.html.mustache")
            .orElseThrow(() -> new IllegalStateException("layout template missing")));
    private final Map<String, Optional<Template>> templates = new ConcurrentHashMap<>();
    private final Texts labels = new Texts(TemplateRenderer.class, "templates/labels");

    public record Rendered(String subject, String text, String html) {}

    /** A template whose files the artifact lacks (a test checks every {@link EmailTemplate} has its English file). */
    public static final class UnknownTemplateException extends RuntimeException {
        UnknownTemplateException(String name) {
            super("unknown template " + name, null, false, false);
        }
    }

    public Rendered render(EmailTemplate email, String requestedLocale, Map<String, String> data, String unsubscribeUrl,
                           boolean marketing) {
        String locale = requestedLocale != null && LOCALES.contains(requestedLocale) ? requestedLocale : "en";
        String name = email.wire();
        Template template = template(name, locale).or(() -> template(name, "en"))
                .orElseThrow(() -> new UnknownTemplateException(name));
        Properties localeLabels = labels(locale);
        Map<String, Object> context = new HashMap<>(data);
        DateTimeFormatter dates = DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(locale));
        data.forEach((key, value) -> {
            if (value != null && value.length() == 10) {
                try {
                    context.put(key + "Text", LocalDate.parse(value).format(dates));
                } catch (DateTimeParseException ignored) {
                    // not a date
                }
            }
        });
        if (data.containsKey("type")) {
            context.put("typeLabel", localeLabels.getProperty("type." + data.get("type"), data.get("type")));
        }
        // Counts in words with the language's plural form ("1 record", "2 records"; French counts 0 as singular).
        for (String count : java.util.List.of("recordCount", "erasedCount")) {
            if (data.containsKey(count) && data.get(count).matches("\\d{1,9}")) {
                context.put(count + "Text", labels.plural(locale, "count." + count, Long.parseLong(data.get(count))));
            }
        }
        if (data.containsKey("searchedAsserted")) {
            context.put("searchedText", searchedText(data, localeLabels));
        }
        String rendered = template.execute(context).replace("\r\n", "\n");
        int firstBreak = rendered.indexOf('\n');
        String firstLine = firstBreak < 0 ? rendered : rendered.substring(0, firstBreak);
        if (!firstLine.startsWith("Subject:")) {
            throw new IllegalStateException("template " + name + " must start with a Subject: line");
        }
        String subject = firstLine.substring("Subject:".length()).strip();
        String text = (firstBreak < 0 ? "" : rendered.substring(firstBreak + 1)).strip() + "\n";
        // A notice to many people (a breach, a policy change) is no answer to a request: it has a footer of its own.
        String footer = localeLabels.getProperty("footer." + name,
                localeLabels.getProperty(marketing ? "footer.marketing" : "footer.transactional", ""));
        // Marketing mail also links the preferences page (each topic on its own); the notifier signs that link.
        String preferencesUrl = marketing ? data.get("preferencesUrl") : null;
        String preferencesLabel = localeLabels.getProperty("link.preferencesUrl", "Choose which emails you receive");
        String textWithFooter = text + "\n--\n" + footer + (unsubscribeUrl != null ? " " + unsubscribeUrl : "")
                + (preferencesUrl != null ? "\n" + preferencesLabel + ": " + preferencesUrl : "") + "\n";
        Map<String, Object> layoutContext = new HashMap<>();
        layoutContext.put("lang", locale);
        layoutContext.put("subject", subject);
        Map<String, String> linkLabels = new HashMap<>();
        data.forEach((key, value) -> {
            String label = localeLabels.getProperty("link." + key);
            if (key.endsWith("Url") && value != null && label != null) {
                linkLabels.put(escape(value), label);
            }
        });
        if (unsubscribeUrl != null) {
            linkLabels.put(escape(unsubscribeUrl), localeLabels.getProperty("link.unsubscribeUrl", "Unsubscribe"));
        }
        layoutContext.put("bodyHtml", toHtml(text, linkLabels));
        layoutContext.put("footer", footer);
        if (unsubscribeUrl != null) {
            // Pre-escaped here (jmustache would also escape "=", which makes the visible link ugly).
            layoutContext.put("unsubscribeUrl", escape(unsubscribeUrl));
            layoutContext.put("unsubscribeLabel", escape(localeLabels.getProperty("link.unsubscribeUrl", "Unsubscribe")));
        }
        if (preferencesUrl != null) {
            layoutContext.put("preferencesUrl", escape(preferencesUrl));
            layoutContext.put("preferencesLabel", escape(preferencesLabel));
        }
        return new Rendered(subject, textWithFooter, layout.execute(layoutContext));
    }

    /**
     * What an answer to a request searched, in the person's language: the verified address, a subject id the company's
     * app signed, ids resolved from the address; and identifiers typed into the form that were not used (names only).
     */
    static String searchedText(Map<String, String> data, Properties labels) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        parts.add(labels.getProperty("searched.email"));
        if (!"0".equals(data.getOrDefault("searchedAsserted", "0"))) {
            parts.add(labels.getProperty("searched.asserted"));
        }
        String resolved = data.getOrDefault("searchedResolved", "0");
        if (!"0".equals(resolved)) {
            parts.add(labels.getProperty("searched.resolved").replace("{0}", resolved));
        }
        String text = labels.getProperty("searched.intro") + String.join("; ", parts) + ".";
        String ignored = data.get("ignoredIdentifiers");
        if (ignored != null && !ignored.isBlank()) {
            text += " " + labels.getProperty("searched.ignored").replace("{0}", ignored);
        }
        return text;
    }

    static String toHtml(String text) {
        return toHtml(text, Map.of());
    }

    /**
     * Paragraphs of escaped text with links made clickable; a link whose URL is in {@code labels} (escaped URL to
     * words) reads as those words, as links should (a person reads "Confirm my request", not a token).
     */
    static String toHtml(String text, Map<String, String> labels) {
        StringBuilder html = new StringBuilder();
        for (String paragraph : text.strip().split("\n\\s*\n")) {
            html.append("<p>");
            String escaped = escape(paragraph.strip()).replace("\n", "<br>");
            Matcher m = URL.matcher(escaped);
            StringBuilder linked = new StringBuilder();
            while (m.find()) {
                String url = m.group();
                String words = labels.containsKey(url) ? escape(labels.get(url)) : url;
                m.appendReplacement(linked, Matcher.quoteReplacement("<a href=\"" + url + "\">" + words + "</a>"));
            }
            m.appendTail(linked);
            html.append(linked).append("</p>\n");
        }
        return html.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private Optional<Template> template(String name, String locale) {
        return templates.computeIfAbsent(name + "." + locale,
                key -> read("templates/" + key + ".mustache").map(textCompiler::compile));
    }

    private Properties labels(String locale) {
        return labels.all(locale);
    }

    private static Optional<String> read(String resource) {
        try (InputStream in = TemplateRenderer.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
