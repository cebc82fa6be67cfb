package io.privacysuite.fulfilment;

import java.io.IOException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One source's records as rows of the readable page ({@code <dl class="record">}, one per record): in one language
 * and time zone, with the source's data-map labels, internal fields left out. One page, one thread.
 */
final class HtmlRows {
    private final ExportTexts texts;
    private final ZoneId zone;
    private final DataMap.Context context;
    // A source's records share their fields: each field's label (escaped), or empty when internal, once.
    private final Map<String, Optional<String>> labels = new HashMap<>();

    HtmlRows(String lang, ZoneId zone, DataMap.Context context) {
        this.texts = ExportTexts.in(lang);
        this.zone = zone;
        this.context = context == null ? DataMap.Context.NONE : context;
    }

    /** Whether these rows read as a page in {@code lang} and {@code zone} with {@code context} would show them. */
    boolean sameAs(String lang, ZoneId zone, DataMap.Context context) {
        return texts.lang().equals(io.privacysuite.core.Texts.supported(lang == null ? "en" : lang)) && this.zone.equals(zone)
                && this.context.equals(context == null ? DataMap.Context.NONE : context);
    }

    void write(Appendable h, Map<String, Object> record) throws IOException {
        h.append("<dl class=\"record\">");
        for (Map.Entry<String, Object> field : record.entrySet()) {
            String k = field.getKey();
            Optional<String> label = labels.computeIfAbsent(k, key -> ExportTexts.isInternal(key)
                    ? Optional.empty()
                    : Optional.of(ExportPackage.esc(Optional.ofNullable(context.fieldLabels().get(key))
                            .map(byLang -> DataMap.Context.in(byLang, texts.lang())).orElseGet(() -> texts.label(key)))));
            if (label.isEmpty()) {
                continue;
            }
            h.append("<dt>").append(label.get()).append("</dt><dd>")
                    .append(ExportPackage.esc(texts.value(k, field.getValue(), zone))).append("</dd>");
        }
        h.append("</dl>\n");
    }
}
