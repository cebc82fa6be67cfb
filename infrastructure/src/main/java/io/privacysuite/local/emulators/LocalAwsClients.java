package io.privacysuite.local.emulators;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK clients for the local endpoints, built exactly as the functions build theirs (core's {@link AwsClients}:
 * URLConnection HTTP client, static dummy credentials, endpoint from {@code AWS_ENDPOINT_URL_<SERVICE>}, call timeout).
 */
public final class LocalAwsClients implements AutoCloseable {
    private final DynamoDbClient dynamoDb;
    private final DynamoDbStreamsClient dynamoDbStreams;
    private final SqsClient sqs;
    private final SesClient ses;
    private final Optional<S3Client> s3;
    private final Optional<SecretsManagerClient> secretsManager;

    public LocalAwsClients(AwsEndpoints endpoints) {
        AwsClients clients = new AwsClients(Env.of(endpoints.asEnv()));
        this.dynamoDb = clients.build(DynamoDbClient.builder(), "DYNAMODB");
        this.dynamoDbStreams = clients.build(DynamoDbStreamsClient.builder(), "DYNAMODB_STREAMS");
        this.sqs = clients.build(SqsClient.builder(), "SQS");
        this.ses = clients.build(SesClient.builder(), "SES");
        // Path-style: S3Mock (and LocalStack) serve http://host:port/<bucket>/<key>, not virtual-hosted buckets.
        this.s3 = endpoints.s3().map(uri -> clients.build(S3Client.builder().forcePathStyle(true), "S3"));
        this.secretsManager = endpoints.secretsManager()
                .map(uri -> clients.build(SecretsManagerClient.builder(), "SECRETS_MANAGER"));
    }

    /** A Secrets Manager client when the endpoints include one. */
    public Optional<SecretsManagerClient> secretsManager() {
        return secretsManager;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public DynamoDbStreamsClient dynamoDbStreams() {
        return dynamoDbStreams;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public SesClient ses() {
        return ses;
    }

    /** An S3 client when the endpoints include S3. */
    public Optional<S3Client> s3() {
        return s3;
    }

    @Override
    public void close() {
        dynamoDb.close();
        dynamoDbStreams.close();
        sqs.close();
        ses.close();
        s3.ifPresent(S3Client::close);
        secretsManager.ifPresent(SecretsManagerClient::close);
    }
}
