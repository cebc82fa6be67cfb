package io.privacysuite.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.privacysuite.local.runtime.LambdaJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs in a fresh JVM whose classpath starts with one function's Lambda artifact: builds a handler with its no-arg
 * constructor and hands it each sample event given, converting it to the handler's input the way the local
 * runtime does. A refusal or failure is printed and the next event follows: only the classes the JVM loads (its
 * class-load log) are the result.
 */
public final class ArtifactProbe {
    public static void main(String[] args) throws Exception {
        Object handler = Class.forName(args[0]).getConstructor().newInstance();
        for (int i = 1; i < args.length; i++) {
            String json = Files.readString(Path.of(args[i]));
            try {
                if (handler instanceof RequestStreamHandler stream) {
                    stream.handleRequest(new ByteArrayInputStream(json.getBytes()), new ByteArrayOutputStream(), null);
                } else {
                    @SuppressWarnings("unchecked")
                    RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) handler;
                    h.handleRequest(LambdaJson.toInput(json, inputType(handler.getClass())), null);
                }
                System.out.println("answered " + Path.of(args[i]).getFileName());
            } catch (Exception | Error e) {
                System.out.println("failed " + Path.of(args[i]).getFileName() + ": " + e.getClass().getSimpleName());
            }
        }
    }

    private static Type inputType(Class<?> handler) {
        for (Type t : handler.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                return p.getActualTypeArguments()[0];
            }
        }
        return Map.class;
    }
}
