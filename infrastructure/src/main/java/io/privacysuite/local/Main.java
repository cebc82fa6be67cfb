package io.privacysuite.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.local.api.HttpRoute;
import io.privacysuite.local.demo.DemoShop;
import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.runtime.LambdaJson;
import io.privacysuite.local.runtime.LocalLog;
import io.privacysuite.local.runtime.LocalLogging;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Runs the suite locally: {@code ./run-local} (or
 * {@code ./mvnw -B -q -Plocal -DskipTests -pl infrastructure -am verify}). Port from {@code -Dprivacysuite.port}, else
 * the PORT environment variable, else 3000. Ctrl-C stops everything.
 */
public final class Main {
    public static final String SEED_EVENT = "events/consent-admin/register-site.json";
    public static final String ADMIN_FUNCTION = "ConsentAdminFunction";
    private static final LocalLog LOG = LocalLog.get(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        LocalLogging.configure();
        int port = port();
        CountDownLatch stopped = new CountDownLatch(1);
        LocalSuite stack = LocalSuite.start(LocalSuiteOptions.defaults().httpPort(port).onStarted(Main::seed)
                .onStarted(Main::demo));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long begin = System.nanoTime();
            stack.close();
            System.out.println();
            System.out.println("Privacy Suite stopped (" + (System.nanoTime() - begin) / 1_000_000 + " ms)");
            stopped.countDown();
        }, "local-stack-shutdown"));
        banner(stack, System.out);
        stopped.await();
    }

    static int port() {
        String configured = System.getProperty("privacysuite.port");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("PORT");
        }
        return configured == null || configured.isBlank() ? 3000 : Integer.parseInt(configured.trim());
    }

    /** Registers the demo site with the operators' own console event, if the admin function and the event exist. */
    static void seed(LocalSuite stack) {
        Path event = stack.projectRoot().resolve(SEED_EVENT);
        if (!Files.isRegularFile(event) || stack.functions().find(ADMIN_FUNCTION).isEmpty()) {
            LOG.info("no %s: starting without a demo site", SEED_EVENT);
            return;
        }
        try {
            JsonNode result = LambdaJson.toTree(stack.functions().invokeEventFile(ADMIN_FUNCTION, SEED_EVENT));
            String text = result == null ? "null" : result.toString();
            LOG.info("seeded the demo site with %s: %s", SEED_EVENT, text.length() > 300 ? text.substring(0, 300) + "..." : text);
        } catch (RuntimeException e) {
            LOG.warn("seeding with %s failed (the API still runs): %s", SEED_EVENT, LocalLog.describe(e.getCause() == null ? e : e.getCause()));
        }
    }

    /** The demo shop: a page with a real cookie banner, registered for this API's own origins. */
    static void demo(LocalSuite stack) {
        try {
            DemoShop.attach(stack);
        } catch (RuntimeException e) {
            LOG.warn("the demo shop is not served (the API still runs): %s", LocalLog.describe(e));
        }
    }

    static void banner(LocalSuite stack, PrintStream out) {
        AwsEndpoints e = stack.endpoints();
        out.println();
        out.println("Privacy Suite is running locally (Ctrl-C to stop)");
        out.println("  API        " + stack.httpBaseUri());
        out.println("  Demo shop  " + DemoShop.url(stack)
                + "   (a cookie banner logging consent; site " + DemoShop.SITE_ID + ")");
        out.println("  API docs   " + stack.httpBaseUri().resolve(LocalSuite.API_DOCS) + "   (OpenAPI 3.1: "
                + stack.httpBaseUri().resolve(LocalSuite.API_DOCS + "openapi.yaml") + ")");
        out.println("  Operator   ./operator --port " + stack.httpBaseUri().getPort()
                + " events/consent-admin/register-site.json   (any console event of events/)");
        out.println("  Mailbox    " + e.ses().resolve("/") + "   (captured email; JSON at /store)");
        out.println("  DynamoDB   " + e.dynamodb());
        out.println("  SQS        " + e.sqs());
        e.s3().ifPresent(s3 -> out.println("  S3         " + s3 + "   (S3Mock, path-style)"));
        out.println("  Region     " + e.region() + ", credentials " + e.accessKey() + "/" + e.secretKey());
        for (Map.Entry<String, String> t : stack.resources().tables().entrySet()) {
            out.println("  table      " + t.getValue() + "  (" + t.getKey() + ")");
        }
        for (Map.Entry<String, String> q : stack.resources().queues().entrySet()) {
            out.println("  queue      " + q.getValue() + "  (" + q.getKey() + ")");
        }
        for (var b : stack.resources().buckets().entrySet()) {
            out.println("  bucket     " + b.getValue() + "  (" + b.getKey() + ")");
        }
        for (HttpRoute route : stack.routes()) {
            out.println("  route      " + route.routeKey() + "  -> " + route.functionLogicalId());
        }
        stack.eventSourceDescriptions().forEach(d -> out.println("  trigger    " + d));
        out.println();
        out.println("Try:");
        out.println("  " + sampleCurl(stack));
        out.println("  aws dynamodb scan --endpoint-url " + e.dynamodb() + " --region " + e.region() + " --table-name "
                + stack.resources().tables().values().stream().findFirst().orElse("<table>"));
        out.println();
    }

    /** A curl for the first POST route, using the body of a matching sample event under events/ if there is one. */
    static String sampleCurl(LocalSuite stack) {
        String siteId = demoSiteId(stack).orElse("demo-site");
        Optional<HttpRoute> post = stack.routes().stream().filter(r -> r.method().equals("POST")).findFirst();
        if (post.isEmpty()) {
            return "curl -i " + stack.httpBaseUri() + "/";
        }
        String path = post.get().path().replace("{siteId}", siteId);
        Optional<JsonNode> sample = sampleEvent(stack, post.get().routeKey());
        String body = sample.map(s -> s.path("body").asText("{}")).orElse("{}");
        String origin = sample.map(s -> s.path("headers").path("origin").asText("")).orElse("");
        return "curl -i -X POST " + stack.httpBaseUri() + path
                + " -H 'content-type: application/json'"
                + (origin.isEmpty() ? "" : " -H 'origin: " + origin + "'")
                + " -d '" + body.replace("'", "'\\''") + "'";
    }

    private static Optional<String> demoSiteId(LocalSuite stack) {
        return readJson(stack.projectRoot().resolve(SEED_EVENT)).flatMap(Main::findSiteId);
    }

    private static Optional<String> findSiteId(JsonNode node) {
        if (node.isObject()) {
            if (node.hasNonNull("siteId") && node.get("siteId").isTextual()) {
                return Optional.of(node.get("siteId").asText());
            }
            for (JsonNode child : node) {
                Optional<String> found = findSiteId(child);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> sampleEvent(LocalSuite stack, String routeKey) {
        Path events = stack.projectRoot().resolve("events");
        if (!Files.isDirectory(events)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(events)) {
            return files.filter(p -> p.toString().endsWith(".json"))
                    .sorted()
                    .map(Main::readJson)
                    .flatMap(Optional::stream)
                    .filter(j -> routeKey.equals(j.path("routeKey").asText()))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> readJson(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(LambdaJson.MAPPER.readTree(file.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
