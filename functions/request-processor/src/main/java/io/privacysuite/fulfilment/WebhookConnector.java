package io.privacysuite.fulfilment;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP endpoint of the company's own service that answers for its data. One signed POST per operation (see
 * README "Webhook sources"): body {@code {schemaVersion, action, requestId, source, subject:{email, emailHash,
 * subjectIds}, legalHold?, changes?}} - {@code subjectIds} only as proven (signed by the company's app or resolved from
 * the verified address), never typed into a form. Under a legal hold on the person, an erasure is sent as
 * {@code restrict} and nothing is rectified. Answer {@code {records?, deleted?, anonymized?, updated?, retained?:[{category, count,
 * legalBasis, until}], notApplied?}}. Timeouts and 5xx/429/IO errors are retried with exponential backoff up to
 * {@code attempts}; other 4xx fail at once (a contract error retrying cannot fix).
 */
public final class WebhookConnector implements Connector {
    public static final int SCHEMA_VERSION = 1;
    /** A person's records from one service; an answer larger than this is a fault, not data to hold in memory. */
    public static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final DataMap.Source source;
    private final HttpClient http;
    private final Clock clock;
    private final Duration backoff;

    public WebhookConnector(DataMap.Source source, Clock clock, Duration backoff) {
        this.source = source;
        this.clock = clock;
        this.backoff = backoff;
        // A redirect could take the signed request, and the person's address in it, somewhere the data map never named.
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(source.connectTimeoutMs()))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public DataMap.Source source() {
        return source;
    }

    @Override
    public SourceOutcome collect(Subject subject, Instant now) {
        SourceOutcome found = outcome(call("export", subject, null));
        if (!subject.holds().person()) {
            return found;
        }
        List<Map<String, Object>> marked = new ArrayList<>();
        for (Map<String, Object> record : found.records()) {
            Map<String, Object> copy = new LinkedHashMap<>(record);
            copy.put(Holds.EXPORT_MARKER, true);
            marked.add(copy);
        }
        return SourceOutcome.found(source, marked, marked.size());
    }

    @Override
    public SourceOutcome erase(Subject subject, Instant now) {
        if (subject.holds().person()) {
            SourceOutcome restricted = outcome(call("restrict", subject, null));
            List<SourceOutcome.Kept> kept = restricted.found() == 0 ? List.of()
                    : List.of(new SourceOutcome.Kept(source.category(), restricted.found(), Holds.LEGAL_BASIS, null, true));
            return SourceOutcome.of(source).found(restricted.found()).held(restricted.found()).kept(kept).build();
        }
        return outcome(call("erase", subject, null));
    }

    @Override
    public SourceOutcome rectify(Subject subject, Instant now) {
        if (subject.holds().person()) {
            // Evidence under a legal hold is not changed: every field goes to operators.
            return SourceOutcome.of(source).notApplied(List.copyOf(subject.changes().keySet())).build();
        }
        return outcome(call("rectify", subject, subject.changes()));
    }

    @Override
    public SourceOutcome flag(Subject subject, String flag, Instant now) {
        return outcome(call(flag, subject, null));
    }

    JsonNode call(String action, Subject subject, Map<String, String> changes) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("schemaVersion", SCHEMA_VERSION);
        payload.put("action", action);
        payload.put("requestId", subject.requestId());
        payload.put("source", source.id());
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("email", subject.email());
        who.put("emailHash", subject.emailHash());
        who.put("subjectIds", subject.subjectIds());
        payload.put("subject", who);
        if (subject.holds().person()) {
            payload.put("legalHold", true);
        }
        if (changes != null) {
            payload.put("changes", changes);
        }
        String body = Json.write(payload);
        String failure = "no attempt";
        for (int attempt = 1; attempt <= source.attempts(); attempt++) {
            if (attempt > 1) {
                sleep(backoff.multipliedBy(1L << (attempt - 2)));
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(source.url()))
                    .timeout(Duration.ofMillis(source.readTimeoutMs()))
                    .header("content-type", "application/json")
                    .header(WebhookSigner.HEADER, WebhookSigner.header(source.secret(), clock.instant(), body))
                    .header("X-PrivacySuite-Request", subject.requestId())
                    .header("X-PrivacySuite-Attempt", Integer.toString(attempt))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                byte[] answer;
                try (java.io.InputStream in = response.body()) {
                    answer = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                }
                if (answer.length > MAX_RESPONSE_BYTES) {
                    failure = "answer too large (over " + MAX_RESPONSE_BYTES + " bytes)";
                    break;
                }
                if (status >= 200 && status < 300) {
                    return answer.length == 0 || new String(answer, java.nio.charset.StandardCharsets.UTF_8).isBlank()
                            ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(answer);
                }
                failure = "HTTP " + status;
                if (status != 429 && status < 500) {
                    break;
                }
            } catch (IOException e) {
                failure = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
                break;
            }
        }
        throw new SourceFailedException(source.id() + ": " + action + " failed after retries (" + failure + ")", null);
    }

    private SourceOutcome outcome(JsonNode answer) {
        List<Map<String, Object>> records = new ArrayList<>();
        for (JsonNode r : answer.path("records")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = Json.MAPPER.convertValue(r, Map.class);
            records.add(record);
        }
        List<SourceOutcome.Kept> kept = new ArrayList<>();
        for (JsonNode k : answer.path("retained")) {
            kept.add(new SourceOutcome.Kept(k.path("category").asText(source.category()), k.path("count").asInt(1),
                    k.path("legalBasis").asText("legal obligation"),
                    k.hasNonNull("until") ? LocalDate.parse(k.get("until").asText()) : null,
                    k.path("restricted").asBoolean(true)));
        }
        List<String> notApplied = new ArrayList<>();
        answer.path("notApplied").forEach(f -> notApplied.add(f.asText()));
        int found = answer.has("found") ? answer.get("found").asInt() : records.size();
        return SourceOutcome.of(source).records(records).found(found).deleted(answer.path("deleted").asInt(0))
                .anonymized(answer.path("anonymized").asInt(0)).updated(answer.path("updated").asInt(0)).kept(kept)
                .notApplied(notApplied).build();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
