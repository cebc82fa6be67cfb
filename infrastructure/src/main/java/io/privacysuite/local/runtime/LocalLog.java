package io.privacysuite.local.runtime;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One-line stderr logging for the local suite itself. Deliberately independent of SLF4J/Log4j so that whichever
 * binding the function modules bring cannot silence or flood it. Level from {@code -Dprivacysuite.log=debug|info|warn}.
 */
public final class LocalLog {
    enum Level { DEBUG, INFO, WARN, ERROR }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Level THRESHOLD = parse(System.getProperty("privacysuite.log", "info"));

    private final String name;

    private LocalLog(String name) {
        this.name = name;
    }

    public static LocalLog get(Class<?> type) {
        return new LocalLog(type.getSimpleName());
    }

    boolean isDebugEnabled() {
        return THRESHOLD == Level.DEBUG;
    }

    public void debug(String format, Object... args) {
        log(Level.DEBUG, format, args);
    }

    public void info(String format, Object... args) {
        log(Level.INFO, format, args);
    }

    public void warn(String format, Object... args) {
        log(Level.WARN, format, args);
    }

    public void error(String format, Object... args) {
        log(Level.ERROR, format, args);
    }

    /** A failure summary: exception classes and messages of the cause chain plus the first frames of the root. */
    public static String describe(Throwable error) {
        StringBuilder out = new StringBuilder();
        Throwable current = error;
        Throwable root = error;
        for (int depth = 0; current != null && depth < 6; depth++, current = current.getCause()) {
            if (depth > 0) {
                out.append(" <- caused by ");
            }
            out.append(current.getClass().getName());
            if (current.getMessage() != null) {
                out.append(": ").append(current.getMessage());
            }
            root = current;
        }
        StackTraceElement[] frames = root.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 6); i++) {
            out.append(System.lineSeparator()).append("        at ").append(frames[i]);
        }
        return out.toString();
    }

    private void log(Level level, String format, Object... args) {
        if (level.ordinal() < THRESHOLD.ordinal()) {
            return;
        }
        String message = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        PrintStream err = System.err;
        err.println(LocalTime.now().format(TIME) + " " + level + " [" + name + "] " + message);
    }

    private static Level parse(String value) {
        try {
            return Level.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }
}
