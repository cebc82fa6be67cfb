package io.privacysuite.retention;

import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The retention engine's object graph, built once per container from the function's configuration. */
public record RetentionServices(DynamoDbClient dynamo, RetentionEngine engine, AccountStore accounts, Clock clock) {

    public static RetentionServices from(Env env) {
        DynamoDbClient dynamo = new AwsClients(env).build(DynamoDbClient.builder(), "DYNAMODB");
        return of(dynamo, Tables.from(env), RetentionPolicy.from(env), Clock.systemUTC());
    }

    public static RetentionServices of(DynamoDbClient dynamo, Tables tables, RetentionPolicy policy, Clock clock) {
        RetentionEngine engine = new RetentionEngine(dynamo, tables, policy);
        return new RetentionServices(dynamo, engine, new AccountStore(dynamo, tables.accounts(), policy), clock);
    }

    public AccountLifecycle lifecycle() {
        return new AccountLifecycle(dynamo, engine, accounts);
    }

    public HoldService holds() {
        return new HoldService(engine, clock);
    }

    public Sweeper sweeper() {
        return new Sweeper(dynamo, engine);
    }

    public RetentionReport report() {
        return new RetentionReport(dynamo, engine);
    }
}
