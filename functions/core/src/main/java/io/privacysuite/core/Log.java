package io.privacysuite.core;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;

/**
 * Structured log lines through the Lambda runtime's own logger. With the template's
 * {@code LoggingConfig: LogFormat: JSON} Lambda wraps each line in JSON with level, timestamp and request id,
 * so no logging framework ships in the artifact. Callers pass identifiers only, never personal data:
 * the fields are written as {@code key=value} pairs that CloudWatch Logs Insights can {@code parse}.
 *
 * <p>A value can still come from input (an operator's unknown action, a malformed id): each is written on one line
 * with control characters replaced (no forged lines) and cut to {@value #MAX_VALUE} characters (a 64 KB field
 * does not become a 64 KB log line).
 */
public final class Log {
    static final int MAX_VALUE = 200;
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
            line.append(' ').append(keyValues[i]).append('=').append(oneLine(String.valueOf(keyValues[i + 1])));
        }
        if (failure != null) {
            line.append(" error=").append(failure.getClass().getName());
            StackTraceElement[] frames = failure.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, 8); i++) {
                line.append("\n  at ").append(frames[i]);
            }
        }
        emit(level, line.toString());
    }

    /** {@code value} on one line (control characters as {@code ?}), at most {@link #MAX_VALUE} characters plus a count. */
    static String oneLine(String value) {
        int keep = Math.min(value.length(), MAX_VALUE);
        if (keep < value.length() && Character.isHighSurrogate(value.charAt(keep - 1))) {
            keep--; // never half a character
        }
        StringBuilder out = new StringBuilder(keep + 16);
        for (int i = 0; i < keep; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (value.length() > keep) {
            out.append("...(").append(value.length() - keep).append(" more)");
        }
        return out.toString();
    }

    private void emit(LogLevel level, String line) {
        if (logger != null) {
            logger.log(line, level);
        } else {
            System.err.println(level + " " + line);
        }
    }
}
