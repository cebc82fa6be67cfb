package io.privacysuite.it;

import io.privacysuite.local.AwsEndpoints;
import io.privacysuite.local.EmbeddedEmulators;
import io.privacysuite.local.LocalStack;
import io.privacysuite.local.LocalStackOptions;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
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
    private static LocalStack stack;
    private static RuntimeException startFailure;

    private TestBackends() {}

    static synchronized LocalStack stack() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (stack == null) {
            try {
                stack = LocalStack.start(LocalStackOptions.defaults().httpPort(0).endpoints(endpoints()));
                Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "stop-local-stack"));
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return stack;
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
                        LocalStackContainer.Service.SES, LocalStackContainer.Service.S3);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-localstack"));
        URI endpoint = container.getEndpoint();
        // LocalStack deletes expired TTL items on an hourly sweep, so tests needing real-time TTL skip there.
        return new AwsEndpoints.Fixed(endpoint, endpoint, endpoint, Optional.of(endpoint), container.getRegion(),
                container.getAccessKey(), container.getSecretKey(), false);
    }
}
