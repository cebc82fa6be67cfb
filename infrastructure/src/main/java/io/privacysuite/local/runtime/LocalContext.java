package io.privacysuite.local.runtime;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** The Lambda {@link Context} of one local invocation; the logger writes one line per message to stderr. */
public final class LocalContext implements Context {
    private final String functionName;
    private final String logicalId;
    private final String requestId;
    private final String functionArn;
    private final int memoryMb;
    private final long deadlineNanos;
    private final LambdaLogger logger;

    public LocalContext(String logicalId, String functionName, String functionArn, int memoryMb, Duration timeout) {
        this(logicalId, functionName, functionArn, memoryMb, timeout, LogLevel.UNDEFINED);
    }

    /** @param minimumLevel like ApplicationLogLevel of LoggingConfig; UNDEFINED logs everything */
    public LocalContext(String logicalId, String functionName, String functionArn, int memoryMb, Duration timeout,
                        LogLevel minimumLevel) {
        this.logicalId = logicalId;
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.memoryMb = memoryMb;
        this.requestId = UUID.randomUUID().toString();
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
        this.logger = new StderrLogger(logicalId, minimumLevel);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + logicalId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    private record StderrLogger(String logicalId, LogLevel minimumLevel) implements LambdaLogger {
        @Override
        public void log(String message) {
            System.err.println("[" + logicalId + "] " + message.stripTrailing());
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }

        @Override
        public void log(String message, LogLevel level) {
            // Lambda drops messages below the function's ApplicationLogLevel when LoggingConfig asks for JSON logs.
            if (minimumLevel != LogLevel.UNDEFINED && level != LogLevel.UNDEFINED && level.ordinal() < minimumLevel.ordinal()) {
                return;
            }
            log(level + " " + message);
        }
    }
}
