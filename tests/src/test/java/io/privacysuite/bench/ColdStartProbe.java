package io.privacysuite.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs in a fresh JVM whose classpath is one function's Lambda artifact: like the Lambda runtime it builds
 * the handler with its no-arg constructor (reading the real process environment), deserializes the event
 * and invokes once; a RequestStreamHandler gets the event's bytes and writes its answer, as on Lambda. Prints
 * "init_ms first_invoke_ms since_jvm_start_ms cpu_ms" on its last line (cpu: the whole process, JIT and GC
 * threads included, up to the first response). Uses reflection and Jackson only because that is what the
 * Lambda runtime itself does for a RequestHandler.
 */
public final class ColdStartProbe {
    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        Class<?> type = Class.forName(args[0]);
        Object handler = type.getConstructor().newInstance();
        if (args.length > 2 && args[2].equals("prime")) {
            // What SnapStart's beforeCheckpoint hook does before the snapshot: counted as init.
            type.getMethod("prime").invoke(handler);
        }
        long t1 = System.nanoTime();
        Object result = handler instanceof RequestStreamHandler stream ? invoke(stream, Path.of(args[1]))
                : invoke(handler, type, Path.of(args[1]));
        long t2 = System.nanoTime();
        long sinceStart = System.currentTimeMillis() - jvmStart;
        long cpuMs = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();
        if (result == null) {
            throw new IllegalStateException("handler returned nothing");
        }
        System.out.println("result " + String.valueOf(result).replace('\n', ' ').substring(0,
                Math.min(120, String.valueOf(result).length())));
        System.out.printf("%d %d %d %d%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, sinceStart, cpuMs);
    }

    private static Object invoke(RequestStreamHandler handler, Path event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(Files.readAllBytes(event)), out, null);
        return out.size() == 0 ? null : out.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Object invoke(Object handler, Class<?> type, Path event) throws Exception {
        Class<?> input = inputType(type);
        Object mapper = Class.forName("com.fasterxml.jackson.databind.ObjectMapper").getConstructor().newInstance();
        Class<?> feature = Class.forName("com.fasterxml.jackson.databind.DeserializationFeature");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object failOnUnknown = Enum.valueOf((Class) feature, "FAIL_ON_UNKNOWN_PROPERTIES");
        mapper.getClass().getMethod("configure", feature, boolean.class).invoke(mapper, failOnUnknown, false);
        Object value = mapper.getClass().getMethod("readValue", String.class, Class.class)
                .invoke(mapper, Files.readString(event), input);
        return ((RequestHandler<Object, Object>) handler).handleRequest(value, null);
    }

    private static Class<?> inputType(Class<?> handler) {
        for (Type t : handler.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                Type in = p.getActualTypeArguments()[0];
                return in instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : (Class<?>) in;
            }
        }
        return Map.class;
    }
}
