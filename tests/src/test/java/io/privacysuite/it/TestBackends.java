package io.privacysuite.it;

import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.LocalSuiteOptions;
import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.emulators.EmbeddedEmulators;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Hands out the AWS endpoints the integration tests run against: the embedded emulators by default, or
 * LocalStack in Docker with {@code -Plocalstack} (skipped, not failed, where no Docker engine runs).
 * One stack per test JVM, shared by every test class and stopped when the JVM exits.
 */
final class TestBackends {
    static final String PROPERTY = "privacysuite.backend";
    private static LocalSuite stack;
    private static RuntimeException startFailure;

    private TestBackends() {}

    static synchronized LocalSuite stack() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (stack == null) {
            try {
                stack = LocalSuite.start(withFulfilmentSources(LocalSuiteOptions.defaults().httpPort(0)
                        .endpoints(behindFaultProxies(endpoints()))));
                Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "stop-local-stack"));
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return stack;
    }

    private static LocalSuite ttlStack;

    /**
     * A second stack, on emulators of its own, for the tests that wait for DynamoDB Local's TTL worker. That worker
     * reads a table 20 items at a time with a 10 s pause between pages, from ten threads shared by every table of
     * the emulator; in the shared stack's tables, which the other tests fill, an expired item waits minutes, here a
     * single pass. Its emulators sit behind fault proxies of their own ({@link #ttlFaultProxies()}). Elsewhere
     * (LocalStack) it is the shared stack: its TTL sweeps hourly and those tests skip.
     */
    static synchronized LocalSuite ttlStack() {
        if (!"embedded".equals(backend())) {
            return stack();
        }
        if (ttlStack == null) {
            EmbeddedEmulators emulators = EmbeddedEmulators.start();
            ttlProxies = startProxies(emulators, Long.getLong("faults.seed", 15L) + 10);
            ttlStack = LocalSuite.start(LocalSuiteOptions.defaults().httpPort(0).endpoints(via(ttlProxies, emulators)));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ttlStack.close();
                ttlProxies.all().forEach(FaultProxy::close);
                emulators.close();
            }, "stop-ttl-stack"));
        }
        return ttlStack;
    }

    private static FaultProxies ttlProxies;

    /** The fault proxies in front of {@link #ttlStack()}'s emulators (on LocalStack, the shared stack's). */
    static synchronized FaultProxies ttlFaultProxies() {
        ttlStack();
        return ttlProxies == null ? faultProxies() : ttlProxies;
    }

    static final String ORDERS_TABLE = "it-shop-orders";
    static final String INVOICES_TABLE = "it-shop-invoices";
    static final String REVIEWS_TABLE = "it-shop-reviews";
    static final String ACCOUNTS_TABLE = "it-shop-accounts";
    static final String LOYALTY_TABLE = "it-shop-loyalty";
    static final String NEWSLETTER_TABLE = "it-shop-newsletter";

    /**
     * The processor searches the tests' data map (src/test/resources/it-data-map.json): three company tables created
     * here (orders deleted, reviews anonymized, invoices retained), the {@link TestWebhook} and the suite's own data. Retries are immediate so escalation takes seconds.
     */
    private static LocalSuiteOptions withFulfilmentSources(LocalSuiteOptions options) {
        String dataMap;
        try {
            dataMap = java.nio.file.Path.of(TestBackends.class.getResource("/it-data-map.json").toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String fn = "RequestProcessorFunction";
        return options.env(fn, io.privacysuite.fulfilment.DataMap.FILE_VARIABLE, dataMap)
                .env(fn, "IT_ORDERS_TABLE", ORDERS_TABLE)
                .env(fn, "IT_INVOICES_TABLE", INVOICES_TABLE)
                .env(fn, "IT_REVIEWS_TABLE", REVIEWS_TABLE)
                .env(fn, "IT_ACCOUNTS_TABLE", ACCOUNTS_TABLE)
                .env(fn, "IT_LOYALTY_TABLE", LOYALTY_TABLE)
                .env(fn, "IT_NEWSLETTER_TABLE", NEWSLETTER_TABLE)
                // Lists sources of the same map: their tables, never the webhook's URL or secret.
                .env("DataMapAudienceFunction", io.privacysuite.fulfilment.DataMap.FILE_VARIABLE, dataMap)
                .env("DataMapAudienceFunction", "IT_NEWSLETTER_TABLE", NEWSLETTER_TABLE)
                .env("DataMapAudienceFunction", "IT_ORDERS_TABLE", ORDERS_TABLE)
                .env(fn, "IT_WEBHOOK_URL", TestWebhook.get().url())
                .env(fn, "IT_WEBHOOK_SECRET", TestWebhook.SECRET)
                .env(fn, "RETRY_BACKOFF_SECONDS", "0")
                .env(fn, "WEBHOOK_BACKOFF_MILLIS", "20")
                .onStarted(s -> createCompanyTables(s.awsClients().dynamoDb()));
    }

    static void createCompanyTables(software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo) {
        java.util.List<String> existing = dynamo.listTables().tableNames();
        if (!existing.contains(ORDERS_TABLE)) {
            dynamo.createTable(b -> b.tableName(ORDERS_TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("customerEmail").attributeType("S"),
                            a -> a.attributeName("orderId").attributeType("S"))
                    .keySchema(k -> k.attributeName("customerEmail").keyType("HASH"),
                            k -> k.attributeName("orderId").keyType("RANGE")));
        }
        if (!existing.contains(REVIEWS_TABLE)) {
            dynamo.createTable(b -> b.tableName(REVIEWS_TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("reviewId").attributeType("S"),
                            a -> a.attributeName("authorEmail").attributeType("S"))
                    .keySchema(k -> k.attributeName("reviewId").keyType("HASH"))
                    .globalSecondaryIndexes(g -> g.indexName("byAuthorEmail")
                            .keySchema(k -> k.attributeName("authorEmail").keyType("HASH"))
                            .projection(p -> p.projectionType("ALL"))));
        }
        if (!existing.contains(ACCOUNTS_TABLE)) {
            dynamo.createTable(b -> b.tableName(ACCOUNTS_TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("email").attributeType("S"),
                            a -> a.attributeName("accountId").attributeType("S"))
                    .keySchema(k -> k.attributeName("email").keyType("HASH"),
                            k -> k.attributeName("accountId").keyType("RANGE")));
        }
        if (!existing.contains(NEWSLETTER_TABLE)) {
            dynamo.createTable(b -> b.tableName(NEWSLETTER_TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("email").attributeType("S"))
                    .keySchema(k -> k.attributeName("email").keyType("HASH")));
        }
        if (!existing.contains(LOYALTY_TABLE)) {
            dynamo.createTable(b -> b.tableName(LOYALTY_TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("customerId").attributeType("S"),
                            a -> a.attributeName("cardNo").attributeType("S"))
                    .keySchema(k -> k.attributeName("customerId").keyType("HASH"),
                            k -> k.attributeName("cardNo").keyType("RANGE")));
        }
        if (!existing.contains(INVOICES_TABLE)) {
            dynamo.createTable(b -> b.tableName(INVOICES_TABLE).billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("invoiceId").attributeType("S"),
                            a -> a.attributeName("customerEmail").attributeType("S"))
                    .keySchema(k -> k.attributeName("invoiceId").keyType("HASH"))
                    .globalSecondaryIndexes(g -> g.indexName("byCustomerEmail")
                            .keySchema(k -> k.attributeName("customerEmail").keyType("HASH"))
                            .projection(p -> p.projectionType("ALL"))));
        }
    }

    /** The proxies between the functions (and the suite's pollers) and each emulator; they only forward until told. */
    record FaultProxies(FaultProxy dynamodb, FaultProxy sqs, FaultProxy ses, Optional<FaultProxy> s3) {
        java.util.List<FaultProxy> all() {
            java.util.List<FaultProxy> all = new java.util.ArrayList<>(java.util.List.of(dynamodb, sqs, ses));
            s3.ifPresent(all::add);
            return all;
        }

        void clear() {
            all().forEach(FaultProxy::clear);
        }
    }

    private static FaultProxies proxies;

    /** The fault proxies of the running stack (started with it). */
    static synchronized FaultProxies faultProxies() {
        stack();
        return proxies;
    }

    private static AwsEndpoints behindFaultProxies(AwsEndpoints real) {
        proxies = startProxies(real, Long.getLong("faults.seed", 15L));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> proxies.all().forEach(FaultProxy::close), "stop-fault-proxies"));
        return via(proxies, real);
    }

    private static FaultProxies startProxies(AwsEndpoints real, long seed) {
        return new FaultProxies(FaultProxy.start("dynamodb", real.dynamodb(), seed),
                FaultProxy.start("sqs", real.sqs(), seed + 1), FaultProxy.start("ses", real.ses(), seed + 2),
                real.s3().map(uri -> FaultProxy.start("s3", uri, seed + 3)));
    }

    private static AwsEndpoints via(FaultProxies proxies, AwsEndpoints real) {
        return new Proxied(real, new AwsEndpoints.Fixed(proxies.dynamodb().uri(), proxies.sqs().uri(),
                proxies.ses().uri(), proxies.s3().map(FaultProxy::uri), real.secretsManager(), real.region(),
                real.accessKey(), real.secretKey(), real.realTimeTtl()));
    }

    /**
     * The proxies' endpoints, keeping the emulators behind them: the suite still restarts a dead SES emulator through
     * {@link #ensureSesRunning()}, and tests reach the emulators themselves through {@link #real()}.
     */
    record Proxied(AwsEndpoints real, AwsEndpoints via) implements AwsEndpoints {
        @Override public URI dynamodb() { return via.dynamodb(); }
        @Override public URI sqs() { return via.sqs(); }
        @Override public URI ses() { return via.ses(); }
        @Override public Optional<URI> s3() { return via.s3(); }
        @Override public Optional<URI> secretsManager() { return via.secretsManager(); }
        @Override public String region() { return via.region(); }
        @Override public String accessKey() { return via.accessKey(); }
        @Override public String secretKey() { return via.secretKey(); }
        @Override public boolean realTimeTtl() { return via.realTimeTtl(); }
        @Override public Optional<String> ensureSesRunning() { return real.ensureSesRunning(); }
    }

    static String backend() {
        String value = System.getProperty(PROPERTY, "");
        return value.isBlank() ? "embedded" : value;
    }

    private static AwsEndpoints endpoints() {
        if (!"localstack".equals(backend())) {
            return EmbeddedEmulators.start();
        }
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "-Plocalstack needs a Docker engine; none answers here");
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
                .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.SQS,
                        LocalStackContainer.Service.SES, LocalStackContainer.Service.S3,
                        LocalStackContainer.Service.SECRETSMANAGER);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-localstack"));
        URI endpoint = container.getEndpoint();
        // LocalStack deletes expired TTL items on an hourly sweep, so tests needing real-time TTL skip there.
        return new AwsEndpoints.Fixed(endpoint, endpoint, endpoint, Optional.of(endpoint), Optional.of(endpoint),
                container.getRegion(),
                container.getAccessKey(), container.getSecretKey(), false);
    }

    /**
     * A customer of the tests' shop in every source of the tests' data map: two orders (deleted on erasure), an
     * invoice (kept for tax), a review (anonymized) and a support ticket behind the webhook.
     */
    static void seedCustomer(software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo, String email) {
        for (String order : java.util.List.of("O-1", "O-2")) {
            dynamo.putItem(r -> r.tableName(ORDERS_TABLE).item(java.util.Map.of(
                    "customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS(order),
                    "shippingName", AttributeValue.fromS("Ann Example"), "total", AttributeValue.fromN("59.50"))));
        }
        dynamo.putItem(r -> r.tableName(INVOICES_TABLE).item(java.util.Map.of(
                "invoiceId", AttributeValue.fromS("INV-" + email), "customerEmail", AttributeValue.fromS(email),
                "amount", AttributeValue.fromS("119.00"), "vatNumber", AttributeValue.fromS("BE0123456789"),
                "invoiceDate", AttributeValue.fromS(java.time.LocalDate.now(java.time.ZoneId.of("Europe/Brussels"))
                        .toString()))));
        dynamo.putItem(r -> r.tableName(REVIEWS_TABLE).item(java.util.Map.of(
                "reviewId", AttributeValue.fromS("REV-" + email), "authorEmail", AttributeValue.fromS(email),
                "authorName", AttributeValue.fromS("Ann E."), "stars", AttributeValue.fromN("4"),
                "text", AttributeValue.fromS("Sturdy and quick to arrive."))));
        TestWebhook.get().tickets.put(email, java.util.List.of(java.util.Map.of("ticketId", "T-7", "subject",
                "Parcel missing")));
    }
}
