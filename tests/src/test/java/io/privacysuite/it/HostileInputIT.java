package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import io.privacysuite.local.api.HttpApiEvents;
import io.privacysuite.local.api.HttpRoute;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.local.runtime.LocalFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Generated hostile input for every HTTP route template.yaml declares (a route added there is covered without a change
 * here) and every console action of every function without event sources (actions found by asking the function). Each
 * input is answered in-process through the same dispatch as the local HTTP API. Every answer must be a documented
 * refusal or a success, never a 5xx or a crash, and a refusal writes nothing: the SDK calls of the invoking thread are
 * watched ({@link WriteWatch}), so "nothing" is exact per request, not a before/after diff racing the pollers.
 */
class HostileInputIT extends IntegrationTest {
    static final int PER_ROUTE = Integer.getInteger("hostile.perRoute", 10_000);
    static final int PER_CONSOLE_ACTION = Integer.getInteger("hostile.perConsoleAction", 1_000);
    static final long SEED = Long.getLong("hostile.seed", System.nanoTime());
    /**
     * Requests in flight at once (in-process; the emulators answer several at a time). Two left a core idle: each
     * request also waits on the emulators' sockets.
     */
    static final int WORKERS = Integer.getInteger("hostile.workers", 4);
    private static final int CHUNK = 250;
    private static final Pattern ACTIONS = Pattern.compile("Unknown action '.*': use (.*)\\.$", Pattern.DOTALL);
    private static final Map<String, Map<String, Integer>> SUMMARY = new ConcurrentHashMap<>();
    /**
     * Sites the route inputs take turns on, a chunk each: the per-site consent write limit (3000 a minute) would
     * otherwise answer most consent changes and withdrawals 429 before their deeper checks. The 429 itself is
     * checked by {@link #consentWriteOverTheLimitIsRefusedWithTheDocumented429AndWritesNothingButTheCounters}.
     */
    static final int SITES = 8;
    private static Fixtures fixtures;
    private static List<Fixtures> siteFixtures;
    private static Fixtures consoleFixtures;

    /** Live ids the seeds use so that generated requests reach past the id checks into the stores. */
    record Fixtures(String siteId, String consentId, String consentKey, String requestId, String token,
                    String accountId) {}

    /** Fixtures of the HTTP routes. */
    static synchronized Fixtures fixtures() {
        if (fixtures == null) {
            fixtures = newFixtures();
        }
        return fixtures;
    }

    /** {@link #SITES} fixtures: the first is {@link #fixtures()}, the others another site and consent each. */
    static synchronized List<Fixtures> siteFixtures() {
        if (siteFixtures == null) {
            Fixtures first = fixtures();
            List<Fixtures> all = new ArrayList<>(List.of(first));
            while (all.size() < SITES) {
                String site = newSite("hostile");
                JsonNode consent = Json.MAPPER.valueToTree(readJson(recordConsent(site)));
                all.add(new Fixtures(site, consent.path("consentId").asText(), consent.path("key").asText(),
                        first.requestId(), first.token(), first.accountId()));
            }
            siteFixtures = List.copyOf(all);
        }
        return siteFixtures;
    }

    /** Fixtures of the console actions, apart: an accepted registerSite or reject must not change the routes' ones. */
    static synchronized Fixtures consoleFixtures() {
        if (consoleFixtures == null) {
            consoleFixtures = newFixtures();
        }
        return consoleFixtures;
    }

    private static Fixtures newFixtures() {
        String site = newSite("hostile");
        JsonNode consent = Json.MAPPER.valueToTree(readJson(recordConsent(site)));
        String email = uniqueId("hostile") + "@example.org";
        var accepted = http("POST", "/v1/requests", "{\"type\":\"access\",\"email\":\"" + email + "\",\"siteId\":\""
                + site + "\",\"locale\":\"en\"}", "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(accepted.statusCode()).isEqualTo(202);
        List<Mailbox.Email> mails = stack.mailbox().awaitEmails(e -> e.isAddressedTo(email)
                && e.text().contains("/verify?token="), 1, Duration.ofSeconds(60));
        String link = DataSubjectRequestIT.find(DataSubjectRequestIT.VERIFY_LINK, mails.get(0).text());
        Matcher id = DataSubjectRequestIT.VERIFY_LINK.matcher(link);
        assertThat(id.find()).isTrue();
        String token = HttpApiEvents.queryParameters(URI.create(link).getRawQuery()).get("token");
        return new Fixtures(site, consent.path("consentId").asText(), consent.path("key").asText(), id.group(1),
                token, "acct-" + uniqueId("hostile"));
    }

    @TestFactory
    Stream<DynamicTest> everyRouteOfTheTemplateShouldRefuseHostileInputWithA4xxAndWriteNothing() {
        List<HttpRoute> routes = stack.routes();
        assertThat(routes).as("routes read from template.yaml").isNotEmpty();
        return routes.stream().map(route -> dynamicTest(route.routeKey(), () -> generateFor(route)));
    }

    @TestFactory
    Stream<DynamicTest> everyConsoleActionShouldRefuseHostileEventsWithAnErrorObjectAndWriteNothing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (LocalFunction function : consoleFunctions()) {
            for (String action : actionsOf(function)) {
                tests.add(dynamicTest(function.logicalId() + " " + action, () -> generateFor(function, action)));
            }
        }
        assertThat(tests).as("console actions found").isNotEmpty();
        return tests.stream();
    }

    @AfterAll
    static void printSummary() {
        StringBuilder out = new StringBuilder("hostile inputs (seed " + SEED + "): answers per route or action\n");
        new TreeMap<>(SUMMARY).forEach((target, counts) -> out.append("  ").append(target).append(": ")
                .append(new TreeMap<>(counts)).append('\n'));
        System.out.print(out);
        try {
            Path report = Path.of("target", "hostile-inputs.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP routes

    /**
     * The write limits' refusal, deterministically (the generated inputs are spread over sites so that they rarely
     * reach it): one client writes consents until refused; the 429 has the documented shape and a retry-after, and
     * only the limit counters moved.
     */
    @org.junit.jupiter.api.Test
    void consentWriteOverTheLimitIsRefusedWithTheDocumented429AndWritesNothingButTheCounters() {
        String site = newSite("hostile-limit");
        String rateLimits = stack.resources().ref("RateLimitsTable").orElse("-");
        byte[] body = ("{\"method\":\"accept_all\",\"bannerVersion\":\"2026-11\","
                + "\"pageUrl\":\"https://shop.example.com/\"}").getBytes(StandardCharsets.UTF_8);
        List<Entry<String, String>> headers = List.of(Map.entry("content-type", "application/json"),
                Map.entry("origin", "https://shop.example.com"));
        HttpApiEvents.HttpResult refused = null;
        List<WriteWatch.Write> writes = List.of();
        for (int i = 0; i < 1_000 && refused == null; i++) {
            WriteWatch.start();
            HttpApiEvents.HttpResult result;
            try {
                result = stack.dispatch(new HttpApiEvents.RawRequest("POST", "/v1/sites/" + site + "/consents", "",
                        headers, body, "192.0.2." + (1 + i % 250), Instant.now()));
            } finally {
                writes = WriteWatch.stop();
            }
            assertThat(result.status()).as("before the limit").isIn(201, 429);
            if (result.status() == 429) {
                refused = result;
            }
        }
        assertThat(refused).as("one /24 is refused within its per-minute budget").isNotNull();
        assertThat(refusalProblem(refused)).isEmpty();
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("too_many_requests");
        assertThat(refused.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("retry-after"))
                .map(h -> Long.parseLong(h.getValue())).findFirst()).hasValueSatisfying(s -> assertThat(s).isBetween(1L, 60L));
        assertThat(writes.stream().filter(w -> !w.targets().contains(rateLimits))).as("the refusal wrote").isEmpty();
        SUMMARY.computeIfAbsent("POST /v1/sites/{siteId}/consents (one client to its limit)",
                k -> new ConcurrentHashMap<>()).merge("429", 1, Integer::sum);
    }

    private void generateFor(HttpRoute route) throws Exception {
        List<HostileInputs.Seed> seeds = siteFixtures().stream().map(f -> seedFor(route, f)).toList();
        HostileInputs generator = new HostileInputs(SEED ^ route.routeKey().hashCode());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> counts = SUMMARY.computeIfAbsent(route.routeKey(), k -> new ConcurrentHashMap<>());
        String rateLimits = stack.resources().ref("RateLimitsTable").orElse("-");
        // A chunk of inputs per site in turn; generated in this thread (the generator is not thread-safe).
        onWorkers(PER_ROUTE, i -> {
            HostileInputs.Input input = generator.next(seeds.get(i / CHUNK % seeds.size()));
            return () -> check(route, input, rateLimits, counts, failures);
        });
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(total).isGreaterThanOrEqualTo(PER_ROUTE);
        assertThat(failures).as("%s: %d of %d generated requests broke a rule (seed %d)", route.routeKey(),
                failures.size(), total, SEED).isEmpty();
    }

    /**
     * Runs {@code total} checks on the {@link #WORKERS}, a chunk at a time; {@code next} makes check {@code i} in the
     * calling thread (generators are not thread-safe), the workers run it.
     */
    private static void onWorkers(int total, java.util.function.IntFunction<Runnable> next) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            for (int done = 0; done < total; ) {
                int chunk = Math.min(CHUNK, total - done);
                List<Future<?>> running = new ArrayList<>(chunk);
                for (int i = 0; i < chunk; i++) {
                    running.add(workers.submit(next.apply(done + i)));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                done += chunk;
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private static void check(HttpRoute route, HostileInputs.Input input, String rateLimits,
                              Map<String, Integer> counts, List<String> failures) {
        HttpApiEvents.HttpResult result;
        List<WriteWatch.Write> writes;
        WriteWatch.start();
        try {
            result = stack.dispatch(new HttpApiEvents.RawRequest(input.method(), input.rawPath(), input.rawQuery(),
                    input.headers(), input.body(), input.sourceIp(), Instant.now()));
        } finally {
            writes = WriteWatch.stop();
        }
        counts.merge(String.valueOf(result.status()), 1, Integer::sum);
        Optional<String> broken = refusalProblem(result);
        if (result.status() >= 400) {
            List<WriteWatch.Write> kept = writes.stream().filter(w -> !w.targets().contains(rateLimits)).toList();
            if (!kept.isEmpty()) {
                broken = Optional.of("refused with " + result.status() + " but wrote " + kept);
            }
        }
        broken.ifPresent(problem -> {
            if (failures.size() < 20) {
                failures.add(problem + " <- " + input.describe());
            }
        });
    }

    /**
     * The documented answers: a success, a 3xx, or a 4xx whose body is the JSON error envelope
     * {@code {"error":{"code","message"[,"fields"]}}}, API Gateway's own {@code {"message"}} (400, 404, 413), or for
     * the pages people open from an email an HTML page. Anything 5xx is a failure.
     */
    static Optional<String> refusalProblem(HttpApiEvents.HttpResult result) {
        int status = result.status();
        if (status >= 500) {
            return Optional.of("answered " + status + ": " + HostileInputs.abbreviate(new String(result.body(), StandardCharsets.UTF_8)));
        }
        if (status < 400) {
            return Optional.empty();
        }
        String type = result.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("content-type"))
                .map(Entry::getValue).findFirst().orElse("").toLowerCase(Locale.ROOT);
        String body = new String(result.body(), StandardCharsets.UTF_8);
        if (type.startsWith("text/html")) {
            return body.contains("<html") ? Optional.empty() : Optional.of(status + " HTML without a page: " + body);
        }
        if (!type.startsWith("application/json")) {
            return Optional.of(status + " with content-type '" + type + "'");
        }
        JsonNode json;
        try {
            json = Json.read(body);
        } catch (IOException e) {
            return Optional.of(status + " with a body that is not JSON: " + HostileInputs.abbreviate(body));
        }
        JsonNode error = json.path("error");
        if (error.path("code").isTextual() && error.path("message").isTextual()) {
            return Optional.empty();
        }
        if (List.of(400, 404, 413).contains(status) && json.size() == 1 && json.path("message").isTextual()) {
            return Optional.empty();
        }
        return Optional.of(status + " with an undocumented body: " + HostileInputs.abbreviate(body));
    }

    /** The route's sample event in events/ (the console's test event for it) with live ids, or one built from the path. */
    private static HostileInputs.Seed seedFor(HttpRoute route, Fixtures f) {
        Map<String, String> live = Map.of("siteId", f.siteId(), "consentId", f.consentId(), "requestId", f.requestId(),
                "key", f.consentKey(), "token", f.token(), "proxy", "consents/" + f.consentId());
        JsonNode sample = sampleEvents().stream()
                .filter(e -> e.path("routeKey").asText().equals(route.routeKey())).findFirst().orElse(null);
        Map<String, String> pathParameters = new java.util.LinkedHashMap<>();
        Matcher names = Pattern.compile("\\{([^}+]+)\\+?}").matcher(route.path());
        while (names.find()) {
            String name = names.group(1);
            String sampled = sample == null ? null : sample.path("pathParameters").path(name).asText(null);
            pathParameters.put(name, live.getOrDefault(name, sampled == null ? "x" : sampled));
        }
        List<Entry<String, String>> headers = new ArrayList<>();
        StringBuilder query = new StringBuilder();
        byte[] body = new byte[0];
        if (sample != null) {
            sample.path("headers").fields().forEachRemaining(h -> headers.add(Map.entry(h.getKey(), h.getValue().asText())));
            Map<String, String> q = HttpApiEvents.queryParameters(sample.path("rawQueryString").asText(""));
            q.forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(k).append('=')
                    .append(java.net.URLEncoder.encode(live.getOrDefault(k, v), StandardCharsets.UTF_8)));
            String text = sample.path("body").asText("");
            if (sample.path("isBase64Encoded").asBoolean(false)) {
                body = java.util.Base64.getDecoder().decode(text);
            } else {
                body = withLiveIds(text, f).getBytes(StandardCharsets.UTF_8);
            }
        } else if (route.method().equals("POST") || route.method().equals("PUT")) {
            headers.add(Map.entry("content-type", "application/json"));
            body = "{}".getBytes(StandardCharsets.UTF_8);
        }
        headers.removeIf(h -> h.getKey().equalsIgnoreCase("origin"));
        headers.add(Map.entry("origin", "https://shop.example.com"));
        String method = route.method().equals("ANY") ? "GET" : route.method();
        return new HostileInputs.Seed(method, route.isDefault() ? "/" : route.path(), pathParameters, query.toString(),
                headers, body);
    }

    /** Ids in a sample body replaced by the fixtures' (a key and consent id that verify, the test's site). */
    private static String withLiveIds(String body, Fixtures f) {
        if (body.isBlank() || !body.strip().startsWith("{")) {
            return body;
        }
        try {
            JsonNode tree = Json.read(body);
            replaceIds(tree, f);
            return tree.toString();
        } catch (IOException e) {
            return body;
        }
    }

    private static void replaceIds(JsonNode node, Fixtures f) {
        if (node instanceof ObjectNode object) {
            Map<String, String> live = Map.of("siteId", f.siteId(), "consentId", f.consentId(), "key", f.consentKey(),
                    "accountId", f.accountId(), "requestId", f.requestId(), "scopeId", f.consentId());
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (live.containsKey(name) && object.get(name).isTextual()) {
                    object.put(name, live.get(name));
                } else if (name.equals("email") && object.get(name).isTextual()) {
                    object.put(name, uniqueId("hostile") + "@example.org");
                } else {
                    replaceIds(object.get(name), f);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(child -> replaceIds(child, f));
        }
    }

    private static List<JsonNode> sampleEvents;

    private static synchronized List<JsonNode> sampleEvents() {
        if (sampleEvents == null) {
            List<JsonNode> found = new ArrayList<>();
            try (Stream<Path> files = Files.walk(stack.projectRoot().resolve("events"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    try {
                        found.add(Json.read(Files.readString(file)));
                    } catch (IOException notJson) {
                        // A sample that is not JSON seeds nothing.
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sampleEvents = found;
        }
        return sampleEvents;
    }

    // ------------------------------------------------------------------------------------------------ console actions

    /** Functions template.yaml gives no event source: operators invoke them from the console. */
    static List<LocalFunction> consoleFunctions() {
        return stack.functions().all().stream().filter(f -> f.events().isEmpty()).toList();
    }

    /** The actions a console function knows, as its answer to an unknown one lists them. */
    static List<String> actionsOf(LocalFunction function) {
        JsonNode answer = function.invokeForJson(Map.of("action", ""));
        Matcher m = ACTIONS.matcher(answer.at("/error/message").asText());
        assertThat(m.matches()).as("%s lists its actions: %s", function.logicalId(), answer).isTrue();
        return List.of(m.group(1).split(",\\s*"));
    }

    private void generateFor(LocalFunction function, String action) throws Exception {
        Fixtures f = consoleFixtures();
        JsonNode sample = sampleEvents().stream().filter(e -> e.path("action").asText().equals(action)).findFirst()
                .orElse(Json.object().put("action", action));
        ObjectNode seed = sample.deepCopy();
        replaceIds(seed, f);
        HostileInputs generator = new HostileInputs(SEED ^ (function.logicalId() + action).hashCode());
        List<String> known = actionsOf(function);
        Map<String, Integer> counts = SUMMARY.computeIfAbsent(function.logicalId() + " " + action,
                k -> new ConcurrentHashMap<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        onWorkers(PER_CONSOLE_ACTION, i -> {
            List<String> kinds = new ArrayList<>();
            Object event = generator.nextConsoleEvent(seed, known, kinds);
            return () -> check(function, event, kinds, counts, failures);
        });
        assertThat(failures).as("%s %s: generated events that broke a rule (seed %d)", function.logicalId(), action,
                SEED).isEmpty();
    }

    private static void check(LocalFunction function, Object event, List<String> kinds, Map<String, Integer> counts,
                              List<String> failures) {
        String outcome;
        List<WriteWatch.Write> writes;
        Optional<String> problem = Optional.empty();
        WriteWatch.start();
        try {
            JsonNode answer = function.invokeForJson(event);
            JsonNode error = answer == null ? null : answer.get("error");
            if (error == null) {
                outcome = "ok";
            } else {
                int status = error.path("status").asInt();
                outcome = String.valueOf(status);
                if (status < 400 || status > 499 || !error.path("code").isTextual() || !error.path("message").isTextual()) {
                    problem = Optional.of("undocumented error " + error);
                }
            }
        } catch (RuntimeException e) {
            // The Lambda runtime refuses an event it cannot read (not JSON, a key twice, too deep) before the handler.
            outcome = "runtime_refused";
            if (!causedByUnreadableJson(e)) {
                problem = Optional.of("crashed: " + e);
            }
        } finally {
            writes = WriteWatch.stop();
        }
        counts.merge(outcome, 1, Integer::sum);
        if (!outcome.equals("ok") && !writes.isEmpty()) {
            problem = Optional.of("refused (" + outcome + ") but wrote " + writes);
        }
        if (problem.isPresent() && failures.size() < 20) {
            failures.add(problem.get() + " <- " + kinds + " " + HostileInputs.abbreviate(String.valueOf(event)));
        }
    }

    private static boolean causedByUnreadableJson(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    private static Map<?, ?> readJson(String json) {
        try {
            return Json.MAPPER.readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
