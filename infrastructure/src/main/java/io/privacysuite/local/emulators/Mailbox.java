package io.privacysuite.local.emulators;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mail captured by the SES emulator ({@code GET /store}, {@code POST /clear-store}).
 *
 * <p>Note: for SES v1 {@code SendRawEmail} and v2 raw content the emulator keeps the parsed from/to/subject/body but
 * not the MIME headers; {@link Email#headers()} is filled only for SES v2 simple/template content with Headers.
 */
public final class Mailbox {
    private static final ObjectMapper MAPPER = io.privacysuite.core.Json.MAPPER;
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>,;\"']+@[^\\s<>,;\"']+");

    private final URI endpoint;
    private final HttpClient http;

    public Mailbox(URI sesEndpoint) {
        this.endpoint = sesEndpoint;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** The emulator's web page listing the captured mail. */
    public URI webUi() {
        return endpoint.resolve("/");
    }

    /** Every captured email, oldest first. */
    public List<Email> all() {
        JsonNode store = get("/store");
        List<Email> emails = new ArrayList<>();
        for (JsonNode node : store.path("emails")) {
            emails.add(MAPPER.convertValue(node, Email.class));
        }
        return emails;
    }

    public List<Email> to(String address) {
        return all().stream().filter(e -> e.isAddressedTo(address)).toList();
    }

    public void clear() {
        send(HttpRequest.newBuilder(endpoint.resolve("/clear-store")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The first email to {@code address} (to, cc or bcc), waiting for it up to {@code timeout}. */
    public Email awaitEmailTo(String address, Duration timeout) {
        return awaitEmail(e -> e.isAddressedTo(address), timeout);
    }

    public Email awaitEmail(Predicate<Email> match, Duration timeout) {
        return awaitEmails(match, 1, timeout).get(0);
    }

    /** Waits until at least {@code count} emails match; returns all that match then. */
    public List<Email> awaitEmails(Predicate<Email> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Email> found = all().stream().filter(match).toList();
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                // Addresses stay out of the message: it may end up in build logs.
                throw new IllegalStateException("expected " + count + " matching email(s) within " + timeout
                        + ", found " + found.size() + " (mailbox holds " + all().size() + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for email", e);
            }
        }
    }

    private JsonNode get(String path) {
        String body = send(HttpRequest.newBuilder(endpoint.resolve(path)).GET());
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer from the SES emulator", e);
        }
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("SES emulator answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("SES emulator not reachable at " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One captured email as the emulator stores it. Address entries may carry display names ("Ann <a@x.org>"). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Email(String messageId, String from, List<String> replyTo, Destination destination, String subject,
                        Body body, List<Attachment> attachments, List<Header> headers, long at) {
        public Email {
            replyTo = replyTo == null ? List.of() : List.copyOf(replyTo);
            destination = destination == null ? new Destination(List.of(), List.of(), List.of()) : destination;
            body = body == null ? new Body(null, null) : body;
            attachments = attachments == null ? List.of() : List.copyOf(attachments);
            headers = headers == null ? List.of() : List.copyOf(headers);
            subject = subject == null ? "" : subject;
            from = from == null ? "" : from;
        }

        public List<String> to() {
            return destination.to();
        }

        /** The plain-text part, or "". */
        public String text() {
            return body.text() == null ? "" : body.text();
        }

        /** The HTML part, or "". */
        public String html() {
            return body.html() == null ? "" : body.html();
        }

        public Instant sentAt() {
            return Instant.ofEpochSecond(at);
        }

        public Optional<String> header(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
        }

        /** Whether any of to/cc/bcc holds {@code address} (case-insensitive, display names ignored). */
        public boolean isAddressedTo(String address) {
            String wanted = address.trim().toLowerCase(Locale.ROOT);
            List<String> all = new ArrayList<>(destination.to());
            all.addAll(destination.cc());
            all.addAll(destination.bcc());
            for (String entry : all) {
                Matcher m = ADDRESS.matcher(entry);
                while (m.find()) {
                    if (m.group().toLowerCase(Locale.ROOT).equals(wanted)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Destination(List<String> to, List<String> cc, List<String> bcc) {
        public Destination {
            to = to == null ? List.of() : List.copyOf(to);
            cc = cc == null ? List.of() : List.copyOf(cc);
            bcc = bcc == null ? List.of() : List.copyOf(bcc);
        }
    }

    /** Either part may be absent (null). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(String html, String text) {}

    /** {@code content} is base64. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Attachment(String content, String contentType, String filename, long size) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Header(String name, String value) {}
}
