package io.privacysuite.bench;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.fulfilment.FulfilmentService;
import io.privacysuite.fulfilment.RequestProcessorHandler;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.ProcessingMessage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One export in a fresh JVM (started by {@link ExportBench} with a small heap and the request processor's
 * environment): prints the milliseconds it took and the peak heap the JVM's pools reached.
 */
public final class ExportProbe {
    private ExportProbe() {}

    public static void main(String[] args) {
        String email = args[0];
        Env env = Env.system();
        AwsClients aws = new AwsClients(env);
        FulfilmentService service = RequestProcessorHandler.serviceFrom(env, aws, Clock.systemUTC());
        var store = new DynamoDbRequestStore(aws.build(DynamoDbClient.builder(), "DYNAMODB"), env.require("REQUESTS_TABLE"), RetentionPolicy.from(env));
        DsarRequest request = ExportBench.verifiedRequest(store, LegalClock.from(env), email);
        long begin = System.nanoTime();
        var result = service.process(ProcessingMessage.of(request), 1, "bench", Duration.ofMinutes(15)).result();
        long ms = Duration.ofNanos(System.nanoTime() - begin).toMillis();
        if (result != FulfilmentService.Result.COMPLETED) {
            throw new IllegalStateException("export ended " + result);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println(ms + " " + peak / (1024 * 1024) + " " + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        System.exit(0);
    }
}
