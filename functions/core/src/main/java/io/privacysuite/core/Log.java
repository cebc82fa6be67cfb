package io.privacysuite.core;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;

/**
 * Structured log lines through the Lambda runtime's own logger. With the template's
 * {@code LoggingConfig: LogFormat: JSON} Lambda wraps each line in JSON with level, timestamp and request id,
 * so no logging framework ships in the artifact. Callers pass identifiers only, never personal data:
 * the fields are written as {@code key=value} pairs that CloudWatch Logs Insights can {@code parse}.
 */
public final class Log {
    private final LambdaLogger logger;

    private Log(LambdaLogger logger) {
        this.logger = logger;
    }

    public static Log of(Context context) {
        return new Log(context == null || context.getLogger() == null ? null : context.getLogger());
    }

    public void info(String event, Object... keyValues) {
        write(LogLevel.INFO, event, keyValues, null);
    }

    public void warn(String event, Object... keyValues) {
        write(LogLevel.WARN, event, keyValues, null);
    }

    /** Logs the failure's type and stack frames, not its message: messages can echo input. */
    public void error(String event, Throwable failure, Object... keyValues) {
        write(LogLevel.ERROR, event, keyValues, failure);
    }

    private void write(LogLevel level, String event, Object[] keyValues, Throwable failure) {
        StringBuilder line = new StringBuilder(event);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            line.append(' ').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        }
        if (failure != null) {
            line.append(" error=").append(failure.getClass().getName());
            StackTraceElement[] frames = failure.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 8); i++) {
                line.append("\n  at ").append(frames[i]);
            }
        }
        if (logger != null) {
            logger.log(line.toString(), level);
        } else {
            System.err.println(level + " " + line);
        }
    }
}
