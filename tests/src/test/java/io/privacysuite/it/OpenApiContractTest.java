package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.api.ApiDocs;
import io.privacysuite.local.template.Props;
import io.privacysuite.local.template.Template;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/openapi.yaml describes exactly the routes of template.yaml, each with its errors, and every $ref resolves. */
class OpenApiContractTest {
    static final Path ROOT = Template.projectRoot();
    static final ApiDocs DOCS = ApiDocs.load(ROOT.resolve(ApiDocs.FILE));
    static final Template TEMPLATE = Template.load(ROOT.resolve(Template.FILE_NAME));

    static Set<String> templateRoutes() {
        Set<String> routes = new LinkedHashSet<>();
        for (Template.Resource fn : TEMPLATE.resourcesOfType("AWS::Serverless::Function")) {
            for (Object e : map(fn.properties().get("Events")).values()) {
                Map<String, Object> event = map(e);
                if ("HttpApi".equals(event.get("Type"))) {
                    Map<String, Object> p = map(event.get("Properties"));
                    routes.add(p.get("Method") + " " + p.get("Path"));
                }
            }
        }
        return routes;
    }

    @Test
    void shouldDescribeExactlyTheTemplatesRoutes() {
        assertThat(templateRoutes()).hasSizeGreaterThanOrEqualTo(14);
        assertThat(DOCS.routes()).containsExactlyInAnyOrderElementsOf(templateRoutes());
        assertThat(DOCS.document().get("openapi")).isEqualTo("3.1.0");
    }

    @Test
    void everyOperationShouldNameItsPathParameters_andAnswerErrorsToo() {
        Pattern placeholder = Pattern.compile("\\{([^}]+)}");
        for (String route : DOCS.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            Map<String, Object> op = DOCS.operation(method, path);
            assertThat(op.get("summary")).as(route + " summary").isNotNull();
            assertThat(op.get("operationId")).as(route + " operationId").isNotNull();

            Set<String> inPath = new LinkedHashSet<>();
            for (Object p : list(op.get("parameters"))) {
                Map<String, Object> param = resolve(p);
                if ("path".equals(param.get("in"))) {
                    assertThat(param.get("required")).as(route + " " + param.get("name")).isEqualTo(true);
                    inPath.add(String.valueOf(param.get("name")));
                }
            }
            Set<String> expected = new LinkedHashSet<>();
            Matcher m = placeholder.matcher(path);
            while (m.find()) {
                expected.add(m.group(1));
            }
            assertThat(inPath).as(route + " path parameters").isEqualTo(expected);

            Map<String, Object> responses = map(op.get("responses"));
            assertThat(responses.keySet()).as(route + " answers").anyMatch(s -> s.startsWith("2") || s.equals("302"));
            assertThat(responses.keySet()).as(route + " errors").anyMatch(s -> s.startsWith("4"));
            if (path.startsWith("/v1/sites/")) {
                // A site's routes are the banners' consent API or the privacy center's pages and posts.
                assertThat(list(op.get("tags"))).as(route + " tags").containsAnyOf("consent", "privacy-center");
            }
            if (list(op.get("tags")).contains("consent")) {
                // Consent routes are JSON throughout, and a foreign origin is refused in the error envelope.
                assertThat(responses).as(route).containsKey("403");
                responses.forEach((status, r) -> {
                    if (status.startsWith("4")) {
                        assertThat(map(map(map(resolve(r).get("content")).get("application/json")).get("schema")))
                                .as(route + " " + status).containsEntry("$ref", "#/components/schemas/Error");
                    }
                });
            }
        }
    }

    @Test
    void everyReferenceShouldResolve() {
        List<String> refs = new ArrayList<>();
        collectRefs(DOCS.document(), refs);
        assertThat(refs).hasSizeGreaterThan(50);
        for (String ref : refs) {
            assertThat(ref).startsWith("#/components/");
            Object target = DOCS.document();
            for (String part : ref.substring(2).split("/")) {
                target = map(target).get(part);
            }
            assertThat(target).as(ref).isInstanceOf(Map.class);
        }
    }

    @Test
    void thePageShouldListEveryRoute_escapingWhatTheDocumentSays() {
        String html = DOCS.html();
        for (String route : DOCS.routes()) {
            String path = route.substring(route.indexOf(' ') + 1);
            assertThat(html).contains(path.replace("&", "&amp;"));
        }
        assertThat(html).contains("&lt;keyId&gt;").doesNotContain("<keyId>");
        assertThat(ApiDocs.parse("openapi: 3.1.0\ninfo: {title: '<script>x</script>', version: 1}\npaths: {}\n")
                .html()).contains("&lt;script&gt;x&lt;/script&gt;").doesNotContain("<script>x");
    }

    @Test
    void aDuplicateKeyInTheDocumentShouldBeRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiDocs.parse("openapi: 3.1.0\nopenapi: 3.0.0\n"))
                .hasMessageContaining("duplicate");
    }

    private static Map<String, Object> resolve(Object node) {
        return DOCS.resolve(node);
    }

    private static void collectRefs(Object node, List<String> refs) {
        if (node instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if ("$ref".equals(k)) {
                    refs.add(String.valueOf(v));
                } else {
                    collectRefs(v, refs);
                }
            });
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collectRefs(v, refs));
        }
    }

    private static Map<String, Object> map(Object o) {
        return Props.map(o);
    }

    private static List<Object> list(Object o) {
        return Props.list(o);
    }
}
