package io.privacysuite.local.demo;

import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.api.StaticPages;
import io.privacysuite.local.api.StaticPages.Page;
import io.privacysuite.local.emulators.NpmInstall;
import io.privacysuite.local.runtime.LocalLog;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo shop of the local suite: a page at {@code /demo/} with a cookie banner (Klaro, Orejime or
 * vanilla-cookieconsent, chosen on the page) connected by the JavaScript client, registered as the site
 * {@value #SITE_ID} for the origins the local API answers on, whatever its port. The banners come from npm
 * ({@code infrastructure/demo-shop/package-lock.json}), installed on first use.
 */
public final class DemoShop {
    public static final String SITE_ID = "local-demo";
    public static final String BANNER_VERSION = "demo-1";
    public static final String PREFIX = "/demo/";
    private static final LocalLog LOG = LocalLog.get(DemoShop.class);

    private DemoShop() {}

    /** The demo folder: {@code <project root>/infrastructure/demo-shop}. */
    static Path directory(LocalSuite stack) {
        return stack.projectRoot().resolve("infrastructure").resolve("demo-shop");
    }

    /** The origins the demo page is opened from: the API's own, by address and by name. */
    public static List<String> origins(URI api) {
        return List.of("http://127.0.0.1:" + api.getPort(), "http://localhost:" + api.getPort());
    }

    /** The demo page's URL. */
    public static URI url(LocalSuite stack) {
        return URI.create("http://localhost:" + stack.httpBaseUri().getPort() + PREFIX);
    }

    /** Registers the demo site and serves the page (installing the banners first if needed). Safe to call again. */
    public static void attach(LocalSuite stack) {
        Path dir = directory(stack);
        Path modules = dir.resolve("node_modules");
        // klaro lists build tools as runtime dependencies; nothing of them runs, only the dist files are served.
        NpmInstall.ifMissing(dir, modules.resolve("vanilla-cookieconsent").resolve("package.json"), "the demo banners",
                "--ignore-scripts");
        register(stack);
        stack.page(PREFIX, new StaticPages(PREFIX, Map.ofEntries(
                Map.entry("", Page.file(dir.resolve("index.html"))),
                Map.entry("index.html", Page.file(dir.resolve("index.html"))),
                Map.entry("demo.js", Page.file(dir.resolve("demo.js"))),
                Map.entry("privacy-suite.js", Page.resource("privacysuite/client/privacy-suite.js")),
                Map.entry("vendor/klaro.js", Page.file(modules.resolve("klaro/dist/klaro-no-css.js"))),
                Map.entry("vendor/klaro.css", Page.file(modules.resolve("klaro/dist/klaro.min.css"))),
                Map.entry("vendor/orejime.js", Page.file(modules.resolve("orejime/dist/orejime-standard-en.js"))),
                Map.entry("vendor/orejime.css", Page.file(modules.resolve("orejime/dist/orejime-standard.css"))),
                Map.entry("vendor/cookieconsent.js",
                        Page.file(modules.resolve("vanilla-cookieconsent/dist/cookieconsent.umd.js"))),
                Map.entry("vendor/cookieconsent.css",
                        Page.file(modules.resolve("vanilla-cookieconsent/dist/cookieconsent.css"))))));
    }

    /** The site, registered with the operators' own console action. */
    static void register(LocalSuite stack) {
        Map<String, Object> site = Map.of("siteId", SITE_ID, "name", "Local demo shop", "accountId", "local-demo",
                "siteGroup", "local-demo", "allowedOrigins", origins(stack.httpBaseUri()),
                "bannerVersion", BANNER_VERSION, "consentLifetimeMonths", 12);
        Object answer = stack.functions().invokeForJson("ConsentAdminFunction", Map.of("action", "registerSite",
                "site", site));
        LOG.info("registered the demo site %s for %s: %s", SITE_ID, origins(stack.httpBaseUri()), answer);
    }
}
