package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code ./operator}: the console events of {@code events/} sent to a running local suite, the answer printed. */
class OperatorCommandIT extends IntegrationTest {

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Json.read(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + " / " + err, e);
            }
        }
    }

    static Run operator(String... args) {
        List<String> command = new ArrayList<>(List.of(stack.projectRoot().resolve("operator").toString(),
                "--port", String.valueOf(stack.httpBaseUri().getPort())));
        command.addAll(List.of(args));
        return runCommand(command);
    }

    static Run runCommand(List<String> command) {
        try {
            Path out = Files.createTempFile("operator", ".out");
            Path err = Files.createTempFile("operator", ".err");
            Process p = new ProcessBuilder(command).directory(stack.projectRoot().toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("./operator finished").isTrue();
            Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A copy of an events/ file with some fields replaced, as an operator pastes ids into it. */
    static String edited(String eventFile, Map<String, String> fields) throws IOException {
        ObjectNode event = (ObjectNode) Json.read(Files.readString(stack.projectRoot().resolve(eventFile)));
        fields.forEach(event::put);
        Path dir = Files.createTempDirectory("operator-events").resolve(Path.of(eventFile).getParent().getFileName());
        Files.createDirectories(dir);
        Path copy = dir.resolve(Path.of(eventFile).getFileName());
        Files.writeString(copy, event.toString());
        return copy.toString();
    }

    @Test
    void shouldRegisterASite_andExportItsConsents_withTheEventFilesAsTheyAre() {
        Run registered = operator("events/consent-admin/register-site.json");
        assertThat(registered.exit()).as(registered.err()).isZero();
        assertThat(registered.json().path("siteId").asText()).isEqualTo("demo-shop");
        assertThat(registered.json().path("allowedOrigins").toString()).contains("https://shop.example.com");

        Run exported = operator("events/consent-admin/export-consents.json");
        assertThat(exported.exit()).as(exported.out() + exported.err()).isZero();
        assertThat(exported.json().isObject()).isTrue();
        assertThat(exported.json().has("error")).isFalse();
    }

    @Test
    void shouldPlaceAHoldOnAConsent_andSayWhatIsWrongWithThePlaceholderId() throws IOException {
        String siteId = newSite("ops");
        String consentId = Json.read(recordConsent(siteId)).path("consentId").asText();

        Run placeholder = operator("events/retention/admin-place-subject-hold.json");
        assertThat(placeholder.exit()).as("an error answer").isEqualTo(1);
        assertThat(placeholder.json().path("error").isObject()).as(placeholder.out()).isTrue();

        Run held = operator(edited("events/retention/admin-place-subject-hold.json", Map.of("scopeId", consentId)));
        assertThat(held.exit()).as(held.out() + held.err()).isZero();
        assertThat(held.json().path("holdId").asText()).isNotBlank();
        JsonNode holds = stack.functions().invokeForJson("RetentionAdminFunction", Map.of("action", "listLegalHolds"));
        assertThat(holds.toString()).contains(consentId);
        stack.functions().invokeForJson("RetentionAdminFunction", Map.of("action", "releaseLegalHold",
                "holdId", held.json().path("holdId").asText(), "reason", "test over", "releasedBy", "it"));
    }

    @Test
    void shouldExtendAnOpenRequest_andAnswerNotFoundForTheSampleId() throws IOException {
        Run unknown = operator("events/requests-operator/extend.json");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.json().at("/error/status").asInt()).as(unknown.out()).isEqualTo(404);

        String email = uniqueId("ops") + "@example.org";
        String requestId = submitAndConfirm("{\"type\":\"rectification\",\"email\":\"" + email + "\",\"siteId\":\""
                + newSite("ops") + "\",\"locale\":\"en\",\"details\":{\"city\":\"Gent\"}}", email);
        awaitProcessed(requestId);
        Run extended = operator(edited("events/requests-operator/extend.json", Map.of("requestId", requestId)));
        assertThat(extended.exit()).as(extended.out() + extended.err()).isZero();
        assertThat(extended.json().toString()).contains(requestId);
        JsonNode status = operator(Map.of("action", "status", "requestId", requestId));
        assertThat(status.toString()).contains("extend");
    }

    @Test
    void shouldRefuseBadUsage_unreadableOrNonObjectEvents_andUnknownFunctions() throws IOException {
        Path dir = Files.createTempDirectory("operator-bad").resolve("consent-admin");
        Files.createDirectories(dir);
        Path array = Files.writeString(dir.resolve("array.json"), "[1,2]");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"action\":");
        Path duplicate = Files.writeString(dir.resolve("dup.json"),
                "{\"action\":\"registerSite\",\"action\":\"exportConsents\",\"site\":{}}");

        for (Run run : List.of(operator(), operator("no/such/file.json"), operator(array.toString()),
                operator(broken.toString()), operator("events/notifier/poison-message.json"),
                operator("--function", "Bad Name!", array.toString()), operator("a.json", "b.json"),
                runCommand(List.of(stack.projectRoot().resolve("operator").toString(), "--port", "99999", "x.json")))) {
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).isNotBlank();
            assertThat(run.out()).isEmpty();
        }
        // JSON.parse takes the last of two keys; the functions read strictly and refuse it.
        Run dup = operator(duplicate.toString());
        assertThat(dup.exit()).isEqualTo(1);
        assertThat(dup.out()).contains("Duplicate field");

        Run missing = operator("--function", "NoSuchFunction", "events/consent-admin/register-site.json");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no function NoSuchFunction");

        Run nobody = runCommand(List.of(stack.projectRoot().resolve("operator").toString(), "--port", "1",
                "events/consent-admin/register-site.json"));
        assertThat(nobody.exit()).isEqualTo(2);
        assertThat(nobody.err()).contains("no local suite answers on port 1");
    }

    @Test
    void invokeEndpointShouldRefuseWebPages_otherMethods_andUnknownFunctions() {
        String siteId = uniqueId("csrf");
        String event = "{\"action\":\"registerSite\",\"site\":{\"siteId\":\"" + siteId + "\",\"name\":\"x\","
                + "\"accountId\":\"a\",\"siteGroup\":\"a\",\"allowedOrigins\":[\"https://evil.example\"],"
                + "\"bannerVersion\":\"v1\",\"consentLifetimeMonths\":12}}";
        String path = "/2015-03-31/functions/ConsentAdminFunction/invocations";
        HttpResponse<String> fromPage = httpForm("POST", path, event, "content-type", "text/plain",
                "origin", "https://evil.example");
        assertThat(fromPage.statusCode()).isEqualTo(403);
        HttpResponse<String> crossSite = httpForm("POST", path, event, "sec-fetch-site", "cross-site");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(http("POST", "/v1/sites/" + siteId + "/consents", "{\"method\":\"accept_all\","
                + "\"bannerVersion\":\"v1\",\"pageUrl\":\"https://evil.example/\"}").statusCode())
                .as("the site was not registered").isEqualTo(404);

        assertThat(httpForm("GET", path, null).statusCode()).isEqualTo(405);
        assertThat(httpForm("POST", "/2015-03-31/functions/NoSuch/invocations", "{}").statusCode()).isEqualTo(404);
        assertThat(httpForm("POST", "/2015-03-31/functions/../invocations", "{}").statusCode()).isEqualTo(404);
        HttpResponse<String> ok = httpForm("POST", path, event);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains(siteId);
        HttpResponse<String> thrown = httpForm("POST", path, "{\"action\":");
        assertThat(thrown.statusCode()).isEqualTo(200);
        assertThat(thrown.headers().firstValue("x-amz-function-error")).hasValue("Unhandled");
        assertThat(json(thrown).path("errorMessage").asText()).isNotBlank();
    }
}
