package io.privacysuite.local.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates intrinsic functions ({@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::If}, ...)
 * against the local physical resources, so that function environments carry real table names and queue URLs.
 * Resources the local suite does not emulate (secrets, APIs, roles) resolve to a placeholder {@code local:<LogicalId>}.
 */
public final class TemplateResolver {
    /** Physical identities of the emulated resources. */
    public interface PhysicalResources {
        /** What {@code !Ref LogicalId} returns, if the resource is emulated. */
        Optional<String> ref(String logicalId);

        /** What {@code !GetAtt LogicalId.Attribute} returns, if known. */
        Optional<String> getAtt(String logicalId, String attribute);
    }

    public static final PhysicalResources NO_RESOURCES = new PhysicalResources() {
        @Override
        public Optional<String> ref(String logicalId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> getAtt(String logicalId, String attribute) {
            return Optional.empty();
        }
    };

    public static final String DEFAULT_REGION = "eu-west-1";
    public static final String DEFAULT_ACCOUNT = "000000000000";
    public static final String STACK_NAME = "privacy-suite-local";

    /** Marks {@code !Ref AWS::NoValue}: the enclosing key or list item disappears. */
    private static final Object NO_VALUE = new Object();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Template template;
    private final PhysicalResources physical;
    private final String region;
    private final String accountId;
    private final Map<String, String> parameterOverrides;

    public TemplateResolver(Template template, PhysicalResources physical, String region, String accountId,
                            Map<String, String> parameterOverrides) {
        this.template = template;
        this.physical = physical;
        this.region = region;
        this.accountId = accountId;
        this.parameterOverrides = Map.copyOf(parameterOverrides);
    }

    public TemplateResolver(Template template, PhysicalResources physical) {
        this(template, physical, DEFAULT_REGION, DEFAULT_ACCOUNT, Map.of());
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    /** Resolves every intrinsic function inside {@code value}; maps and lists are copied. */
    public Object resolve(Object value) {
        Object resolved = resolveNode(value);
        return resolved == NO_VALUE ? null : resolved;
    }

    /** Resolves to a string: numbers and booleans as text, lists comma-joined (like a CommaDelimitedList). */
    public String resolveToString(Object value) {
        return asString(resolve(value));
    }

    /** A parameter's value: override, else Default. */
    public String parameter(String name) {
        if (parameterOverrides.containsKey(name)) {
            return parameterOverrides.get(name);
        }
        Template.Parameter parameter = template.parameters().get(name);
        if (parameter == null) {
            throw new IllegalArgumentException("unknown parameter " + name);
        }
        return parameter.defaultValue()
                .orElseThrow(() -> new IllegalStateException("parameter " + name + " has no Default and no override"));
    }

    public boolean condition(String name) {
        Object body = template.conditions().get(name);
        if (body == null) {
            throw new IllegalArgumentException("unknown condition " + name);
        }
        return truthy(resolve(body));
    }

    /** Whether a resource exists in this deployment (its Condition, if any, holds). */
    public boolean isDeployed(Template.Resource resource) {
        return resource.condition().map(this::condition).orElse(true);
    }

    public String ref(String name) {
        switch (name) {
            case "AWS::Region":
                return region;
            case "AWS::AccountId":
                return accountId;
            case "AWS::StackName":
                return STACK_NAME;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + region + ":" + accountId + ":stack/" + STACK_NAME + "/local";
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            default:
                break;
        }
        if (template.parameters().containsKey(name)) {
            return parameter(name);
        }
        if (template.resources().containsKey(name)) {
            return physical.ref(name).orElse("local:" + name);
        }
        throw new IllegalArgumentException("Ref to unknown parameter or resource " + name);
    }

    public String getAtt(String logicalId, String attribute) {
        if (!template.resources().containsKey(logicalId)) {
            throw new IllegalArgumentException("GetAtt on unknown resource " + logicalId);
        }
        return physical.getAtt(logicalId, attribute).orElse("local:" + logicalId + "." + attribute);
    }

    private Object resolveNode(Object value) {
        if (value instanceof Map<?, ?> raw) {
            Map<String, Object> map = Props.map(raw);
            if (map.size() == 1) {
                Map.Entry<String, Object> only = map.entrySet().iterator().next();
                String key = only.getKey();
                if (key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::")) {
                    return function(key, only.getValue());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object resolved = resolveNode(v);
                if (resolved != NO_VALUE) {
                    out.put(k, resolved);
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                Object resolved = resolveNode(item);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            }
            return out;
        }
        return value;
    }

    private Object function(String name, Object argument) {
        switch (name) {
            case "Ref": {
                String target = asString(resolveNode(argument));
                return target.equals("AWS::NoValue") ? NO_VALUE : ref(target);
            }
            case "Condition":
                return condition(asString(argument));
            case "Fn::GetAtt": {
                List<Object> args = argument instanceof String s && s.contains(".")
                        ? List.of(s.substring(0, s.indexOf('.')), s.substring(s.indexOf('.') + 1))
                        : Props.list(resolveNode(argument));
                return getAtt(asString(args.get(0)), asString(args.get(1)));
            }
            case "Fn::Sub":
                return sub(argument);
            case "Fn::Join": {
                List<Object> args = Props.list(argument);
                String delimiter = asString(resolveNode(args.get(0)));
                List<String> parts = new ArrayList<>();
                for (Object item : Props.list(resolveNode(args.get(1)))) {
                    parts.add(asString(item));
                }
                return String.join(delimiter, parts);
            }
            case "Fn::Select": {
                List<Object> args = Props.list(argument);
                int index = (int) Double.parseDouble(asString(resolveNode(args.get(0))));
                return Props.list(resolveNode(args.get(1))).get(index);
            }
            case "Fn::Split": {
                List<Object> args = Props.list(argument);
                String delimiter = asString(resolveNode(args.get(0)));
                return new ArrayList<Object>(List.of(asString(resolveNode(args.get(1))).split(Pattern.quote(delimiter), -1)));
            }
            case "Fn::If": {
                List<Object> args = Props.list(argument);
                return resolveNode(condition(asString(args.get(0))) ? args.get(1) : args.get(2));
            }
            case "Fn::Equals": {
                List<Object> args = Props.list(argument);
                return asString(resolveNode(args.get(0))).equals(asString(resolveNode(args.get(1))));
            }
            case "Fn::Not":
                return !truthy(resolveNode(Props.list(argument).get(0)));
            case "Fn::And": {
                for (Object item : Props.list(argument)) {
                    if (!truthy(resolveNode(item))) {
                        return false;
                    }
                }
                return true;
            }
            case "Fn::Or": {
                for (Object item : Props.list(argument)) {
                    if (truthy(resolveNode(item))) {
                        return true;
                    }
                }
                return false;
            }
            case "Fn::FindInMap": {
                List<Object> args = Props.list(argument);
                Map<String, Object> top = Props.map(template.mappings(), asString(resolveNode(args.get(0))));
                Map<String, Object> second = Props.map(top, asString(resolveNode(args.get(1))));
                String key = asString(resolveNode(args.get(2)));
                if (!second.containsKey(key)) {
                    throw new IllegalArgumentException("Fn::FindInMap found nothing for " + args);
                }
                return resolveNode(second.get(key));
            }
            case "Fn::Base64":
                return Base64.getEncoder().encodeToString(asString(resolveNode(argument)).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs": {
                String r = asString(resolveNode(argument));
                String az = r.isEmpty() ? region : r;
                return new ArrayList<Object>(List.of(az + "a", az + "b", az + "c"));
            }
            case "Fn::ImportValue":
                return "local:import:" + asString(resolveNode(argument));
            case "Fn::Length":
                return Props.list(resolveNode(argument)).size();
            case "Fn::ToJsonString":
                return io.privacysuite.core.Json.write(resolveNode(argument));
            default:
                throw new IllegalArgumentException("intrinsic function not supported locally: " + name);
        }
    }

    private String sub(Object argument) {
        String text;
        Map<String, Object> variables;
        if (argument instanceof List<?> list) {
            text = asString(list.get(0));
            variables = list.size() > 1 ? Props.map(list.get(1)) : Map.of();
        } else {
            text = asString(argument);
            variables = Map.of();
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String expression = matcher.group(1);
            String replacement;
            if (expression.startsWith("!")) {
                replacement = "${" + expression.substring(1) + "}"; // ${!Literal} is an escaped, literal ${Literal}
            } else if (variables.containsKey(expression)) {
                replacement = asString(resolveNode(variables.get(expression)));
            } else if (!expression.startsWith("AWS::") && expression.contains(".")) {
                int dot = expression.indexOf('.');
                replacement = getAtt(expression.substring(0, dot), expression.substring(dot + 1));
            } else {
                replacement = ref(expression);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : Boolean.parseBoolean(asString(value));
    }

    private static String asString(Object value) {
        if (value == null || value == NO_VALUE) {
            return "";
        }
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object item : list) {
                parts.add(asString(item));
            }
            return String.join(",", parts);
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(value);
    }
}
