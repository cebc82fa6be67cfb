package io.privacysuite.local.template;

import io.privacysuite.core.Json;
import io.privacysuite.local.emulators.LocalAwsClients;
import io.privacysuite.local.runtime.LocalLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Creates every {@code AWS::DynamoDB::Table} and {@code AWS::SQS::Queue} of the template in the emulators (only those
 * that do not exist yet), named {@code <prefix><LogicalId>}, and answers {@code Ref}/{@code GetAtt} for them.
 */
public final class LocalResources implements TemplateResolver.PhysicalResources {
    public static final String DEFAULT_PREFIX = "ps-local-";
    public static final String TABLE = "AWS::DynamoDB::Table";
    public static final String QUEUE = "AWS::SQS::Queue";
    public static final String BUCKET = "AWS::S3::Bucket";
    public static final String SECRET = "AWS::SecretsManager::Secret";
    private static final LocalLog LOG = LocalLog.get(LocalResources.class);
    private static final Pattern SUB_REFERENCE = Pattern.compile("\\$\\{([^}!.]+)(?:\\.[^}]*)?}");

    private final String prefix;
    private final TemplateResolver resolver;
    private final Map<String, TableDescription> tables = new ConcurrentHashMap<>();
    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    private final Map<String, String> buckets = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();

    private record Queue(String name, String url, String arn) {}

    private LocalResources(Template template, String prefix, String region, String accountId,
                           Map<String, String> parameterOverrides) {
        this.prefix = prefix;
        this.resolver = new TemplateResolver(template, this, region, accountId, parameterOverrides);
    }

    /** The clients resources are made with; a resource type whose client is absent is not made (no buckets, say). */
    public record Clients(DynamoDbClient dynamoDb, SqsClient sqs, Optional<S3Client> s3,
                          Optional<SecretsManagerClient> secretsManager) {
        /** Tables and queues only. */
        public static Clients tablesAndQueues(DynamoDbClient dynamoDb, SqsClient sqs) {
            return new Clients(dynamoDb, sqs, Optional.empty(), Optional.empty());
        }

        /** Every kind the local suite's emulators serve. */
        public static Clients of(LocalAwsClients clients) {
            return new Clients(clients.dynamoDb(), clients.sqs(), clients.s3(), clients.secretsManager());
        }
    }

    /**
     * Creates the template's tables, queues (DLQs before the queues that redrive to them), buckets and secrets, those
     * whose client is given; what exists already is kept.
     */
    public static LocalResources create(Template template, Clients clients, String prefix, String region,
                                        Map<String, String> parameterOverrides) {
        DynamoDbClient dynamoDb = clients.dynamoDb();
        SqsClient sqs = clients.sqs();
        Optional<S3Client> s3 = clients.s3();
        Optional<SecretsManagerClient> secretsManager = clients.secretsManager();
        LocalResources resources = new LocalResources(template, prefix, region, TemplateResolver.DEFAULT_ACCOUNT,
                parameterOverrides);
        for (Template.Resource table : template.resourcesOfType(TABLE)) {
            if (resources.resolver.isDeployed(table)) {
                resources.createTable(dynamoDb, table);
            }
        }
        for (Template.Resource queue : queuesInCreationOrder(template)) {
            if (resources.resolver.isDeployed(queue)) {
                resources.createQueue(sqs, queue);
            }
        }
        if (s3.isPresent()) {
            for (Template.Resource bucket : template.resourcesOfType(BUCKET)) {
                if (resources.resolver.isDeployed(bucket)) {
                    resources.createBucket(s3.get(), bucket);
                }
            }
        }
        if (secretsManager.isPresent()) {
            for (Template.Resource secret : template.resourcesOfType(SECRET)) {
                if (resources.resolver.isDeployed(secret)) {
                    resources.createSecret(secretsManager.get(), secret);
                }
            }
        }
        return resources;
    }

    public String prefix() {
        return prefix;
    }

    /** The resolver that sees these physical resources (use it for anything else in the template). */
    public TemplateResolver resolver() {
        return resolver;
    }

    public String tableName(String logicalId) {
        return table(logicalId).tableName();
    }

    public String tableArn(String logicalId) {
        return table(logicalId).tableArn();
    }

    public Optional<String> streamArn(String logicalId) {
        return Optional.ofNullable(table(logicalId).latestStreamArn());
    }

    public String queueUrl(String logicalId) {
        return queue(logicalId).url();
    }

    public String queueName(String logicalId) {
        return queue(logicalId).name();
    }

    public String queueArn(String logicalId) {
        return queue(logicalId).arn();
    }

    /** The URL of an emulated queue given its ARN (event sources and destinations name queues by ARN). */
    public Optional<String> queueUrlForArn(String arn) {
        return queues.values().stream().filter(q -> q.arn().equals(arn)).map(Queue::url).findFirst();
    }

    /** Table names by logical id. */
    public Map<String, String> tables() {
        Map<String, String> out = new java.util.TreeMap<>();
        tables.forEach((id, t) -> out.put(id, t.tableName()));
        return out;
    }

    /** Queue URLs by logical id. */
    public Map<String, String> queues() {
        Map<String, String> out = new java.util.TreeMap<>();
        queues.forEach((id, q) -> out.put(id, q.url()));
        return out;
    }

    /** Bucket names by logical id. */
    public Map<String, String> buckets() {
        return new java.util.TreeMap<>(buckets);
    }

    public String bucketName(String logicalId) {
        String name = buckets.get(logicalId);
        if (name == null) {
            throw new IllegalArgumentException("no bucket with logical id " + logicalId);
        }
        return name;
    }

    /** What CloudFormation calls the physical id (the value of {@code Ref}): table names, queue URLs, bucket names. */
    public Map<String, String> physicalIds() {
        Map<String, String> out = new java.util.TreeMap<>(tables());
        out.putAll(queues());
        out.putAll(buckets);
        out.putAll(secrets);
        return Collections.unmodifiableMap(out);
    }

    @Override
    public Optional<String> ref(String logicalId) {
        if (tables.containsKey(logicalId)) {
            return Optional.of(tableName(logicalId));
        }
        if (queues.containsKey(logicalId)) {
            return Optional.of(queueUrl(logicalId));
        }
        if (buckets.containsKey(logicalId)) {
            return Optional.of(buckets.get(logicalId));
        }
        if (secrets.containsKey(logicalId)) {
            return Optional.of(secrets.get(logicalId)); // Ref of a secret is its ARN
        }
        return Optional.empty();
    }

    /** Secret ARNs by logical id. */
    public Map<String, String> secrets() {
        return new java.util.TreeMap<>(secrets);
    }

    @Override
    public Optional<String> getAtt(String logicalId, String attribute) {
        if (tables.containsKey(logicalId)) {
            return switch (attribute) {
                case "Arn" -> Optional.of(tableArn(logicalId));
                case "StreamArn" -> streamArn(logicalId);
                default -> Optional.empty();
            };
        }
        if (queues.containsKey(logicalId)) {
            return switch (attribute) {
                case "Arn" -> Optional.of(queueArn(logicalId));
                case "QueueName" -> Optional.of(queueName(logicalId));
                case "QueueUrl" -> Optional.of(queueUrl(logicalId));
                default -> Optional.empty();
            };
        }
        if (buckets.containsKey(logicalId)) {
            return switch (attribute) {
                case "Arn" -> Optional.of("arn:aws:s3:::" + buckets.get(logicalId));
                case "DomainName", "RegionalDomainName" -> Optional.of(buckets.get(logicalId) + ".s3.amazonaws.com");
                default -> Optional.empty();
            };
        }
        return Optional.empty();
    }

    private TableDescription table(String logicalId) {
        TableDescription table = tables.get(logicalId);
        if (table == null) {
            throw new IllegalArgumentException("no table with logical id " + logicalId);
        }
        return table;
    }

    private Queue queue(String logicalId) {
        Queue queue = queues.get(logicalId);
        if (queue == null) {
            throw new IllegalArgumentException("no queue with logical id " + logicalId);
        }
        return queue;
    }

    // ------------------------------------------------------------------ tables

    private void createTable(DynamoDbClient dynamoDb, Template.Resource resource) {
        Map<String, Object> p = Props.map(resolver.resolve(resource.properties()));
        String name = prefix + resource.logicalId();
        TableDescription description;
        try {
            description = dynamoDb.describeTable(b -> b.tableName(name)).table();
            LOG.debug("table %s exists", name);
        } catch (ResourceNotFoundException absent) {
            description = dynamoDb.createTable(createTableRequest(name, p)).tableDescription();
            LOG.debug("created table %s", name);
        }
        Map<String, Object> ttl = Props.map(p, "TimeToLiveSpecification");
        if (Props.bool(ttl, "Enabled", false)) {
            String attribute = Props.string(ttl, "AttributeName").orElseThrow();
            TimeToLiveStatus status = dynamoDb.describeTimeToLive(b -> b.tableName(name)).timeToLiveDescription().timeToLiveStatus();
            if (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING) {
                dynamoDb.updateTimeToLive(b -> b.tableName(name)
                        .timeToLiveSpecification(s -> s.attributeName(attribute).enabled(true)));
            }
        }
        tables.put(resource.logicalId(), description);
    }

    static CreateTableRequest createTableRequest(String name, Map<String, Object> p) {
        boolean onDemand = Props.string(p, "BillingMode").orElse("PROVISIONED").equals("PAY_PER_REQUEST");
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(name)
                .attributeDefinitions(Props.list(p, "AttributeDefinitions").stream()
                        .map(Props::map)
                        .map(a -> AttributeDefinition.builder()
                                .attributeName(Props.string(a, "AttributeName").orElseThrow())
                                .attributeType(Props.string(a, "AttributeType").orElseThrow())
                                .build())
                        .toList())
                .keySchema(keySchema(Props.list(p, "KeySchema")))
                .billingMode(onDemand ? BillingMode.PAY_PER_REQUEST : BillingMode.PROVISIONED);
        if (!onDemand) {
            request.provisionedThroughput(throughput(Props.map(p, "ProvisionedThroughput")));
        }
        List<GlobalSecondaryIndex> gsis = new ArrayList<>();
        for (Object o : Props.list(p, "GlobalSecondaryIndexes")) {
            Map<String, Object> gsi = Props.map(o);
            GlobalSecondaryIndex.Builder index = GlobalSecondaryIndex.builder()
                    .indexName(Props.string(gsi, "IndexName").orElseThrow())
                    .keySchema(keySchema(Props.list(gsi, "KeySchema")))
                    .projection(projection(Props.map(gsi, "Projection")));
            if (!onDemand) {
                index.provisionedThroughput(throughput(Props.map(gsi, "ProvisionedThroughput")));
            }
            gsis.add(index.build());
        }
        if (!gsis.isEmpty()) {
            request.globalSecondaryIndexes(gsis);
        }
        List<LocalSecondaryIndex> lsis = new ArrayList<>();
        for (Object o : Props.list(p, "LocalSecondaryIndexes")) {
            Map<String, Object> lsi = Props.map(o);
            lsis.add(LocalSecondaryIndex.builder()
                    .indexName(Props.string(lsi, "IndexName").orElseThrow())
                    .keySchema(keySchema(Props.list(lsi, "KeySchema")))
                    .projection(projection(Props.map(lsi, "Projection")))
                    .build());
        }
        if (!lsis.isEmpty()) {
            request.localSecondaryIndexes(lsis);
        }
        Props.string(Props.map(p, "StreamSpecification"), "StreamViewType").ifPresent(view ->
                request.streamSpecification(StreamSpecification.builder().streamEnabled(true).streamViewType(view).build()));
        return request.build();
    }

    private static List<KeySchemaElement> keySchema(List<Object> elements) {
        return elements.stream().map(Props::map)
                .map(k -> KeySchemaElement.builder()
                        .attributeName(Props.string(k, "AttributeName").orElseThrow())
                        .keyType(Props.string(k, "KeyType").orElseThrow())
                        .build())
                .toList();
    }

    private static Projection projection(Map<String, Object> p) {
        Projection.Builder projection = Projection.builder().projectionType(Props.string(p, "ProjectionType").orElse("ALL"));
        List<String> nonKey = Props.list(p, "NonKeyAttributes").stream().map(String::valueOf).toList();
        if (!nonKey.isEmpty()) {
            projection.nonKeyAttributes(nonKey);
        }
        return projection.build();
    }

    private static ProvisionedThroughput throughput(Map<String, Object> p) {
        return ProvisionedThroughput.builder()
                .readCapacityUnits((long) Props.integer(p, "ReadCapacityUnits").orElse(5))
                .writeCapacityUnits((long) Props.integer(p, "WriteCapacityUnits").orElse(5))
                .build();
    }

    // ------------------------------------------------------------------ buckets

    /**
     * Creates {@code <prefix><logical id>} lower-cased (bucket names allow no capitals). Encryption, public access
     * blocks and lifecycle rules are deploy-time settings the emulator does not enforce: the template holds them.
     */
    private void createBucket(S3Client s3, Template.Resource resource) {
        String name = bucketNameFor(prefix, resource.logicalId());
        try {
            s3.headBucket(b -> b.bucket(name));
            LOG.debug("bucket %s exists", name);
        } catch (NoSuchBucketException absent) {
            try {
                s3.createBucket(b -> b.bucket(name));
                LOG.debug("created bucket %s", name);
            } catch (BucketAlreadyOwnedByYouException raced) {
                LOG.debug("bucket %s exists", name);
            }
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(name));
        }
        buckets.put(resource.logicalId(), name);
    }

    static String bucketNameFor(String prefix, String logicalId) {
        return (prefix + logicalId).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    }

    // ------------------------------------------------------------------ secrets

    /**
     * Creates {@code <prefix><logical id>} with a value made as {@code GenerateSecretString} describes (or the
     * template's {@code SecretString}); an existing secret keeps its value, as a stack update does.
     */
    private void createSecret(SecretsManagerClient client, Template.Resource resource) {
        Map<String, Object> p = Props.map(resolver.resolve(resource.properties()));
        String name = prefix + resource.logicalId();
        String arn;
        try {
            arn = client.describeSecret(b -> b.secretId(name)).arn();
            LOG.debug("secret %s exists", name);
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException absent) {
            String value = Props.string(p, "SecretString").orElseGet(() -> generate(Props.map(p, "GenerateSecretString")));
            arn = client.createSecret(b -> b.name(name).secretString(value)).arn();
            LOG.debug("created secret %s", name);
        }
        secrets.put(resource.logicalId(), arn);
    }

    /** What CloudFormation's GenerateSecretString makes (length, character exclusions), from SecureRandom. */
    static String generate(Map<String, Object> spec) {
        int length = Props.integer(spec, "PasswordLength").orElse(32);
        StringBuilder alphabet = new StringBuilder();
        if (!Props.bool(spec, "ExcludeLowercase", false)) {
            alphabet.append("abcdefghijklmnopqrstuvwxyz");
        }
        if (!Props.bool(spec, "ExcludeUppercase", false)) {
            alphabet.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
        }
        if (!Props.bool(spec, "ExcludeNumbers", false)) {
            alphabet.append("0123456789");
        }
        if (!Props.bool(spec, "ExcludePunctuation", false)) {
            alphabet.append("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
        }
        String excluded = Props.string(spec, "ExcludeCharacters").orElse("");
        String chars = alphabet.chars().filter(c -> excluded.indexOf(c) < 0)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        if (chars.isEmpty() || length < 1) {
            throw new IllegalArgumentException("GenerateSecretString leaves nothing to generate from");
        }
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(chars.charAt(random.nextInt(chars.length())));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ queues

    private void createQueue(SqsClient sqs, Template.Resource resource) {
        Map<String, Object> p = Props.map(resolver.resolve(resource.properties()));
        boolean fifo = Props.bool(p, "FifoQueue", false);
        String name = prefix + resource.logicalId() + (fifo ? ".fifo" : "");
        Map<QueueAttributeName, String> attributes = queueAttributes(p);
        String url;
        try {
            url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            LOG.debug("queue %s exists", name);
        } catch (QueueDoesNotExistException absent) {
            url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
            LOG.debug("created queue %s", name);
        }
        String queueUrl = url;
        String arn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queues.put(resource.logicalId(), new Queue(name, url, arn));
    }

    static Map<QueueAttributeName, String> queueAttributes(Map<String, Object> p) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        Map<String, QueueAttributeName> supported = Map.of(
                "DelaySeconds", QueueAttributeName.DELAY_SECONDS,
                "MaximumMessageSize", QueueAttributeName.MAXIMUM_MESSAGE_SIZE,
                "MessageRetentionPeriod", QueueAttributeName.MESSAGE_RETENTION_PERIOD,
                "ReceiveMessageWaitTimeSeconds", QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
                "VisibilityTimeout", QueueAttributeName.VISIBILITY_TIMEOUT,
                "ContentBasedDeduplication", QueueAttributeName.CONTENT_BASED_DEDUPLICATION);
        supported.forEach((property, attribute) -> Props.string(p, property).ifPresent(v -> attributes.put(attribute, v)));
        if (Props.bool(p, "FifoQueue", false)) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
        }
        Object redrive = p.get("RedrivePolicy");
        if (redrive != null) {
            // CloudFormation takes the policy as a JSON object or a JSON string; SQS wants a string.
            attributes.put(QueueAttributeName.REDRIVE_POLICY, redrive instanceof String s ? s : Json.write(redrive));
        }
        return attributes;
    }

    /** Queues sorted so that any queue another one references (a DLQ) comes first. */
    public static List<Template.Resource> queuesInCreationOrder(Template template) {
        Map<String, Template.Resource> pending = new LinkedHashMap<>();
        template.resourcesOfType(QUEUE).forEach(q -> pending.put(q.logicalId(), q));
        List<Template.Resource> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (var it = pending.values().iterator(); it.hasNext(); ) {
                Template.Resource queue = it.next();
                Set<String> needs = references(queue.properties());
                needs.retainAll(pending.keySet());
                needs.remove(queue.logicalId());
                if (needs.isEmpty() || done.containsAll(needs)) {
                    ordered.add(queue);
                    done.add(queue.logicalId());
                    it.remove();
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("circular references between queues " + pending.keySet());
            }
        }
        return ordered;
    }

    /** Logical ids referenced by Ref, Fn::GetAtt or Fn::Sub anywhere in {@code value}. */
    static Set<String> references(Object value) {
        Set<String> out = new LinkedHashSet<>();
        collectReferences(value, out);
        return out;
    }

    private static void collectReferences(Object value, Set<String> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("Ref".equals(k) && v instanceof String s) {
                    out.add(s);
                } else if ("Fn::GetAtt".equals(k)) {
                    List<Object> args = Props.list(v);
                    if (!args.isEmpty()) {
                        out.add(String.valueOf(args.get(0)));
                    } else if (v instanceof String s) {
                        out.add(s.split("\\.", 2)[0]);
                    }
                } else if ("Fn::Sub".equals(k)) {
                    String text = v instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(v);
                    Matcher m = SUB_REFERENCE.matcher(text);
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                    if (v instanceof List<?> l && l.size() > 1) {
                        collectReferences(l.get(1), out);
                    }
                } else {
                    collectReferences(v, out);
                }
            });
        } else if (value instanceof List<?> list) {
            list.forEach(item -> collectReferences(item, out));
        }
    }
}
