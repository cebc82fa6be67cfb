package io.privacysuite.local.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.template.Props;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lambda event filtering ({@code FilterCriteria.Filters[].Pattern}): a record passes if it matches any pattern; a
 * pattern matches if every key matches; a list holds the allowed values (exact string/number/boolean/null) or matchers
 * ({@code prefix}, {@code suffix}, {@code equals-ignore-case}, {@code exists}, {@code anything-but}, {@code numeric});
 * nested objects recurse. Patterns see the record with Lambda's field names ({@code eventName},
 * {@code dynamodb.NewImage.status.S}, {@code userIdentity.type}).
 */
public final class EventFilter {
    private final List<JsonNode> patterns;

    private EventFilter(List<JsonNode> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** No filters: everything passes. */
    public static EventFilter none() {
        return new EventFilter(List.of());
    }

    /** From the pattern JSON strings. */
    public static EventFilter of(List<String> patterns) {
        List<JsonNode> parsed = new ArrayList<>();
        for (String pattern : patterns) {
            try {
                JsonNode node = LambdaJson.MAPPER.readTree(pattern);
                if (!node.isObject()) {
                    throw new IllegalArgumentException("a filter pattern must be a JSON object: " + pattern);
                }
                parsed.add(node);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("filter pattern is not JSON: " + pattern, e);
            }
        }
        return new EventFilter(parsed);
    }

    /** From an event source's {@code FilterCriteria} property (already resolved). */
    public static EventFilter fromCriteria(Map<String, Object> filterCriteria) {
        List<String> patterns = new ArrayList<>();
        for (Object filter : Props.list(filterCriteria, "Filters")) {
            Object pattern = Props.map(filter).get("Pattern");
            if (pattern != null) {
                patterns.add(pattern instanceof String s ? s : LambdaJson.write(pattern));
            }
        }
        return of(patterns);
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public boolean matches(JsonNode record) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (JsonNode pattern : patterns) {
            if (matchesObject(pattern, record)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode event) {
        Iterator<Map.Entry<String, JsonNode>> fields = pattern.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = event != null && event.isObject() && event.has(field.getKey())
                    ? event.get(field.getKey()) : MissingNode.getInstance();
            JsonNode rule = field.getValue();
            boolean ok;
            if (rule.isObject()) {
                ok = value.isObject() && matchesObject(rule, value) || !value.isObject() && onlyAbsenceChecks(rule);
            } else if (rule.isArray()) {
                ok = matchesAny(rule, value);
            } else {
                throw new IllegalArgumentException("filter pattern values must be arrays or objects: " + field.getKey());
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A nested pattern on a missing object still holds if all it asks is that fields be absent. */
    private static boolean onlyAbsenceChecks(JsonNode rule) {
        Iterator<JsonNode> values = rule.elements();
        while (values.hasNext()) {
            JsonNode v = values.next();
            if (v.isObject()) {
                if (!onlyAbsenceChecks(v)) {
                    return false;
                }
            } else if (!matchesAny(v, MissingNode.getInstance())) {
                return false;
            }
        }
        return true;
    }

    /** The event value matches if any allowed value matches it (any element of it, when it is an array). */
    private static boolean matchesAny(JsonNode allowed, JsonNode value) {
        for (JsonNode candidate : allowed) {
            if (value.isArray() && !(candidate.isObject() && candidate.has("exists"))) {
                for (JsonNode element : value) {
                    if (matchesOne(candidate, element)) {
                        return true;
                    }
                }
            } else if (matchesOne(candidate, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesOne(JsonNode candidate, JsonNode value) {
        if (!candidate.isObject()) {
            return !value.isMissingNode() && equalsExactly(candidate, value);
        }
        Map.Entry<String, JsonNode> matcher = candidate.fields().next();
        JsonNode arg = matcher.getValue();
        switch (matcher.getKey()) {
            case "exists":
                return arg.asBoolean() != value.isMissingNode();
            case "prefix":
                if (arg.isObject() && arg.has("equals-ignore-case")) {
                    return value.isTextual() && value.asText().toLowerCase(Locale.ROOT)
                            .startsWith(arg.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
                }
                return value.isTextual() && value.asText().startsWith(arg.asText());
            case "suffix":
                if (arg.isObject() && arg.has("equals-ignore-case")) {
                    return value.isTextual() && value.asText().toLowerCase(Locale.ROOT)
                            .endsWith(arg.get("equals-ignore-case").asText().toLowerCase(Locale.ROOT));
                }
                return value.isTextual() && value.asText().endsWith(arg.asText());
            case "equals-ignore-case":
                return value.isTextual() && value.asText().equalsIgnoreCase(arg.asText());
            case "anything-but":
                return anythingBut(arg, value);
            case "numeric":
                return numeric(arg, value);
            default:
                throw new IllegalArgumentException("filter matcher not supported locally: " + matcher.getKey());
        }
    }

    private static boolean anythingBut(JsonNode arg, JsonNode value) {
        if (value.isMissingNode()) {
            return false;
        }
        if (arg.isObject()) {
            return !matchesOne(arg, value); // {"anything-but": {"prefix": "x"}}
        }
        if (arg.isArray()) {
            for (JsonNode excluded : arg) {
                if (equalsExactly(excluded, value)) {
                    return false;
                }
            }
            return true;
        }
        return !equalsExactly(arg, value);
    }

    private static boolean numeric(JsonNode arg, JsonNode value) {
        if (!value.isNumber()) {
            return false;
        }
        BigDecimal actual = value.decimalValue();
        for (int i = 0; i + 1 < arg.size(); i += 2) {
            String op = arg.get(i).asText();
            int cmp = actual.compareTo(arg.get(i + 1).decimalValue());
            boolean ok = switch (op) {
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case "=" -> cmp == 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                default -> throw new IllegalArgumentException("numeric operator not supported: " + op);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsExactly(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isNull()) {
            return actual.isNull();
        }
        return expected.getNodeType() == actual.getNodeType() && expected.equals(actual);
    }
}
