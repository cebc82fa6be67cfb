package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.api.ApiDocs;
import io.privacysuite.local.demo.DemoShop;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pages the local suite serves beside the API: its description and the demo shop. Nothing else is reachable. */
class LocalPagesIT extends IntegrationTest {

    @Test
    void shouldServeTheApiDescription_asAPageAndAsTheYamlItself() throws Exception {
        HttpResponse<String> page = get(LocalSuite.API_DOCS);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        for (String route : ApiDocs.load(stack.projectRoot().resolve(ApiDocs.FILE)).routes()) {
            assertThat(page.body()).contains(route.substring(route.indexOf(' ') + 1));
        }
        HttpResponse<String> yaml = get(LocalSuite.API_DOCS + "openapi.yaml");
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.body()).isEqualTo(Files.readString(stack.projectRoot().resolve(ApiDocs.FILE)));
    }

    @Test
    void shouldServeTheDemoShop_itsClientAndItsBanners_registeredForThisPort() {
        DemoShop.attach(stack);
        HttpResponse<String> page = get(DemoShop.PREFIX);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("demo.js");
        for (String file : List.of("demo.js", "privacy-suite.js", "vendor/klaro.js", "vendor/klaro.css",
                "vendor/orejime.js", "vendor/orejime.css", "vendor/cookieconsent.js", "vendor/cookieconsent.css")) {
            HttpResponse<String> r = get(DemoShop.PREFIX + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.body()).as(file).hasSizeGreaterThan(500);
        }
        assertThat(get(DemoShop.PREFIX + "privacy-suite.js").body()).contains("PrivacySuite");

        // The demo site accepts its own page's origin, by name and by address, and refuses others.
        int port = stack.httpBaseUri().getPort();
        for (String origin : List.of("http://localhost:" + port, "http://127.0.0.1:" + port)) {
            HttpResponse<String> r = http("POST", "/v1/sites/" + DemoShop.SITE_ID + "/consents",
                    "{\"method\":\"accept_all\",\"bannerVersion\":\"" + DemoShop.BANNER_VERSION + "\",\"pageUrl\":\""
                            + origin + "/demo/\"}", "origin", origin);
            assertThat(r.statusCode()).as(origin).isEqualTo(201);
        }
        assertThat(http("POST", "/v1/sites/" + DemoShop.SITE_ID + "/consents", "{}", "origin",
                "http://localhost:" + (port + 1)).statusCode()).isEqualTo(403);
    }

    @Test
    void shouldAnswer404ForAnythingNotListed_and405ForWrites() {
        DemoShop.attach(stack);
        for (String path : List.of("/demo/../template.yaml", "/demo/%2e%2e/template.yaml", "/demo/vendor/",
                "/demo/node_modules/klaro/package.json", "/demo/package.json", "/api/../docs/openapi.yaml",
                "/api/openapi.yml", "/demo/index.html/")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("AWSTemplateFormatVersion").doesNotContain("\"name\"");
        }
        assertThat(http("POST", DemoShop.PREFIX, "{}").statusCode()).isEqualTo(405);
        assertThat(http("PUT", LocalSuite.API_DOCS + "openapi.yaml", "{}").statusCode()).isEqualTo(405);
    }
}
