package io.privacysuite.local.emulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.privacysuite.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small Secrets Manager on a loopback port, speaking the service's JSON 1.1 protocol ({@code X-Amz-Target:
 * secretsmanager.<Operation>}) for what the suite uses: CreateSecret, DescribeSecret, GetSecretValue (by
 * VersionStage or VersionId), PutSecretValue and UpdateSecretVersionStage with AWS's staging rules (a new
 * AWSCURRENT pushes the old one to AWSPREVIOUS). No emulator of it runs here without Docker, and the functions
 * must read their secrets through the same SDK call locally as on AWS. Signatures are not checked.
 */
public final class SecretsManagerEmulator implements AutoCloseable {
    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private final HttpServer server;
    private final ExecutorService pool;
    private final String region;
    private final String accountId;
    private final Map<String, StoredSecret> secrets = new LinkedHashMap<>();
    private final AtomicInteger getSecretValueCalls = new AtomicInteger();

    private static final class StoredSecret {
        final String name;
        final String arn;
        final Map<String, Version> versions = new LinkedHashMap<>();

        StoredSecret(String name, String arn) {
            this.name = name;
            this.arn = arn;
        }

        Optional<Version> byStage(String stage) {
            return versions.values().stream().filter(v -> v.stages.contains(stage)).findFirst();
        }
    }

    private static final class Version {
        final String id;
        final String string;
        final byte[] binary;
        final Instant created = Instant.now();
        final Set<String> stages = new LinkedHashSet<>();

        Version(String id, String string, byte[] binary) {
            this.id = id;
            this.string = string;
            this.binary = binary;
        }
    }

    /** Thrown inside a handler; becomes a JSON 1.1 error ({@code __type}) with status 400. */
    private static final class ServiceError extends RuntimeException {
        final String type;

        ServiceError(String type, String message) {
            super(message, null, false, false);
            this.type = type;
        }
    }

    private SecretsManagerEmulator(HttpServer server, ExecutorService pool, String region, String accountId) {
        this.server = server;
        this.pool = pool;
        this.region = region;
        this.accountId = accountId;
    }

    public static SecretsManagerEmulator start(String region, String accountId) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "secretsmanager-emulator");
                t.setDaemon(true);
                return t;
            });
            SecretsManagerEmulator emulator = new SecretsManagerEmulator(server, pool, region, accountId);
            server.createContext("/", emulator::handle);
            server.setExecutor(pool);
            server.start();
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Secrets Manager emulator", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many GetSecretValue calls were answered (tests check caching with it). */
    public int getSecretValueCalls() {
        return getSecretValueCalls.get();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            int status = 200;
            JsonNode answer;
            try {
                String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
                if (!exchange.getRequestMethod().equals("POST") || !target.startsWith("secretsmanager.")) {
                    throw new ServiceError("InvalidRequestException", "expected a POST with X-Amz-Target secretsmanager.*");
                }
                JsonNode request = Json.MAPPER.readTree(exchange.getRequestBody().readNBytes(1 << 20));
                answer = dispatch(target.substring("secretsmanager.".length()), request == null ? Json.object() : request);
            } catch (ServiceError e) {
                status = 400;
                ObjectNode error = Json.object();
                error.put("__type", e.type);
                error.put("message", e.getMessage());
                answer = error;
            } catch (IOException e) {
                status = 400;
                ObjectNode error = Json.object();
                error.put("__type", "InvalidRequestException");
                error.put("message", "malformed JSON");
                answer = error;
            }
            byte[] body = Json.write(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private synchronized JsonNode dispatch(String operation, JsonNode request) {
        return switch (operation) {
            case "CreateSecret" -> create(request);
            case "DescribeSecret" -> describe(find(request));
            case "GetSecretValue" -> getValue(request);
            case "PutSecretValue" -> putValue(request);
            case "UpdateSecretVersionStage" -> updateStage(request);
            default -> throw new ServiceError("InvalidRequestException", operation + " is not emulated here");
        };
    }

    private JsonNode create(JsonNode request) {
        String name = request.path("Name").asText("");
        if (name.isEmpty() || !name.matches("[A-Za-z0-9/_+=.@-]{1,512}")) {
            throw new ServiceError("InvalidParameterException", "invalid secret name");
        }
        if (secrets.containsKey(name)) {
            throw new ServiceError("ResourceExistsException", "the secret " + name + " already exists");
        }
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_CHARS.charAt(RANDOM.nextInt(SUFFIX_CHARS.length())));
        }
        StoredSecret secret = new StoredSecret(name,
                "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix);
        secrets.put(name, secret);
        ObjectNode out = Json.object();
        out.put("ARN", secret.arn);
        out.put("Name", name);
        if (request.hasNonNull("SecretString") || request.hasNonNull("SecretBinary")) {
            Version v = addVersion(secret, request, List.of(CURRENT));
            out.put("VersionId", v.id);
        }
        return out;
    }

    private StoredSecret find(JsonNode request) {
        String id = request.path("SecretId").asText("");
        StoredSecret byName = secrets.get(id);
        if (byName != null) {
            return byName;
        }
        return secrets.values().stream().filter(s -> s.arn.equals(id)).findFirst().orElseThrow(() ->
                new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
    }

    private JsonNode describe(StoredSecret secret) {
        ObjectNode out = Json.object();
        out.put("ARN", secret.arn);
        out.put("Name", secret.name);
        ObjectNode stages = out.putObject("VersionIdsToStages");
        secret.versions.values().forEach(v -> {
            var list = stages.putArray(v.id);
            v.stages.forEach(list::add);
        });
        return out;
    }

    private JsonNode getValue(JsonNode request) {
        getSecretValueCalls.incrementAndGet();
        StoredSecret secret = find(request);
        Version version;
        if (request.hasNonNull("VersionId")) {
            version = secret.versions.get(request.get("VersionId").asText());
            if (version == null || (request.hasNonNull("VersionStage")
                    && !version.stages.contains(request.get("VersionStage").asText()))) {
                throw new ServiceError("ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for VersionId");
            }
        } else {
            String stage = request.path("VersionStage").asText(CURRENT);
            version = secret.byStage(stage).orElseThrow(() -> new ServiceError("ResourceNotFoundException",
                    "Secrets Manager can't find the specified secret value for staging label: " + stage));
        }
        ObjectNode out = Json.object();
        out.put("ARN", secret.arn);
        out.put("Name", secret.name);
        out.put("VersionId", version.id);
        if (version.string != null) {
            out.put("SecretString", version.string);
        } else {
            out.put("SecretBinary", Base64.getEncoder().encodeToString(version.binary));
        }
        var stages = out.putArray("VersionStages");
        version.stages.forEach(stages::add);
        out.put("CreatedDate", version.created.toEpochMilli() / 1000.0);
        return out;
    }

    private JsonNode putValue(JsonNode request) {
        StoredSecret secret = find(request);
        List<String> stages = new ArrayList<>();
        request.path("VersionStages").forEach(s -> stages.add(s.asText()));
        Version v = addVersion(secret, request, stages.isEmpty() ? List.of(CURRENT) : stages);
        ObjectNode out = Json.object();
        out.put("ARN", secret.arn);
        out.put("Name", secret.name);
        out.put("VersionId", v.id);
        var list = out.putArray("VersionStages");
        v.stages.forEach(list::add);
        return out;
    }

    private JsonNode updateStage(JsonNode request) {
        StoredSecret secret = find(request);
        String stage = request.path("VersionStage").asText("");
        String moveTo = request.path("MoveToVersionId").asText(null);
        String removeFrom = request.path("RemoveFromVersionId").asText(null);
        if (stage.isEmpty() || (moveTo != null && !secret.versions.containsKey(moveTo))) {
            throw new ServiceError("InvalidParameterException", "VersionStage and an existing MoveToVersionId are required");
        }
        Optional<Version> holder = secret.byStage(stage);
        if (holder.isPresent() && moveTo != null && !holder.get().id.equals(removeFrom)
                && !holder.get().id.equals(moveTo)) {
            throw new ServiceError("InvalidParameterException", "the label is attached to another version; "
                    + "name it in RemoveFromVersionId");
        }
        if (moveTo == null) {
            if (removeFrom != null && secret.versions.containsKey(removeFrom)) {
                secret.versions.get(removeFrom).stages.remove(stage);
            }
        } else {
            assign(secret, secret.versions.get(moveTo), stage);
        }
        ObjectNode out = Json.object();
        out.put("ARN", secret.arn);
        out.put("Name", secret.name);
        return out;
    }

    private Version addVersion(StoredSecret secret, JsonNode request, List<String> stages) {
        String id = request.hasNonNull("ClientRequestToken") ? request.get("ClientRequestToken").asText()
                : UUID.randomUUID().toString();
        if (secret.versions.containsKey(id)) {
            return secret.versions.get(id); // an idempotent retry
        }
        Version v = request.hasNonNull("SecretString")
                ? new Version(id, request.get("SecretString").asText(), null)
                : new Version(id, null, Base64.getDecoder().decode(request.path("SecretBinary").asText("")));
        secret.versions.put(id, v);
        stages.forEach(stage -> assign(secret, v, stage));
        return v;
    }

    /** Moves a label to a version; moving AWSCURRENT hands AWSPREVIOUS to the version that had it, as AWS does. */
    private static void assign(StoredSecret secret, Version target, String stage) {
        Optional<Version> holder = secret.byStage(stage);
        if (holder.isPresent() && holder.get() == target) {
            return;
        }
        holder.ifPresent(h -> h.stages.remove(stage));
        if (stage.equals(CURRENT) && holder.isPresent()) {
            secret.byStage(PREVIOUS).ifPresent(p -> p.stages.remove(PREVIOUS));
            holder.get().stages.add(PREVIOUS);
        }
        target.stages.add(stage);
    }
}
