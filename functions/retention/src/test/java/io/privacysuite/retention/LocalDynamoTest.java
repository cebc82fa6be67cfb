package io.privacysuite.retention;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;

/** Base of the tests that run the engine against one DynamoDB Local per test class. */
abstract class LocalDynamoTest {
    static LocalDynamo db;
    static Fixtures fx;
    static RetentionServices services;

    /** Starts DynamoDB Local with the template's tables and the services under {@code policy} and {@code clock}. */
    static void start(RetentionPolicy policy, Clock clock) {
        db = new LocalDynamo();
        fx = new Fixtures(db.dynamo);
        services = db.services(policy, clock);
    }

    @AfterAll
    static void stop() {
        db.close();
    }
}
