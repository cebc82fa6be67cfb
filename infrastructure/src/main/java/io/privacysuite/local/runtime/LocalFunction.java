package io.privacysuite.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code AWS::Serverless::Function}: its resolved environment and a handler instance created on first use and then
 * reused, like a warm Lambda container. Handlers are built through their {@code (Env)} constructor.
 */
public final class LocalFunction {
    private static final LocalLog LOG = LocalLog.get(LocalFunction.class);

    /** One entry of the function's {@code Events}; properties are unresolved. */
    public record Event(String name, String type, Map<String, Object> properties) {}

    private final String logicalId;
    private final String functionName;
    private final String functionArn;
    private final String handler;
    private final Duration timeout;
    private final int memoryMb;
    private final Env env;
    private final List<Event> events;
    private final LogLevel logLevel;
    private volatile Object instance;

    LocalFunction(String logicalId, String functionName, String functionArn, String handler, Duration timeout,
                  int memoryMb, Env env, List<Event> events, LogLevel logLevel) {
        this.logicalId = logicalId;
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.handler = handler;
        this.timeout = timeout;
        this.memoryMb = memoryMb;
        this.env = env;
        this.events = List.copyOf(events);
        this.logLevel = logLevel;
    }

    public String logicalId() {
        return logicalId;
    }

    public String functionName() {
        return functionName;
    }

    public String functionArn() {
        return functionArn;
    }

    /** {@code pkg.Class::method} as in the template. */
    public String handler() {
        return handler;
    }

    public Duration timeout() {
        return timeout;
    }

    public Env env() {
        return env;
    }

    public List<Event> events() {
        return events;
    }

    /** Replaces the handler instance (tests register fakes or handlers built with test collaborators). */
    void use(Object handlerInstance) {
        if (!(handlerInstance instanceof RequestHandler<?, ?>) && !(handlerInstance instanceof RequestStreamHandler)) {
            throw new IllegalArgumentException("not a RequestHandler or RequestStreamHandler: " + handlerInstance.getClass());
        }
        this.instance = handlerInstance;
    }

    /** The handler instance, created on first use. */
    public Object instance() {
        Object current = instance;
        if (current == null) {
            synchronized (this) {
                current = instance;
                if (current == null) {
                    current = create();
                    instance = current;
                }
            }
        }
        return current;
    }

    /** The handler's input type, found on its {@code RequestHandler<I, O>} interface. */
    public Type inputType() {
        Object h = instance();
        if (h instanceof RequestStreamHandler) {
            return JsonNode.class;
        }
        Type found = typeArgument(h.getClass(), Map.of());
        return found == null || found instanceof TypeVariable<?> ? Object.class : found;
    }

    /**
     * Invokes the handler with {@code event} (an instance of the input type, a JSON string, a JsonNode or a Map) and
     * returns what it returned; a handler exception comes back as {@link FunctionInvocationException}.
     */
    @SuppressWarnings("unchecked")
    public Object invoke(Object event) {
        Object h = instance();
        LocalContext context = new LocalContext(logicalId, functionName, functionArn, memoryMb, timeout, logLevel);
        long start = System.nanoTime();
        try {
            if (h instanceof RequestStreamHandler stream) {
                return invokeStream(stream, event, context);
            }
            Object input = LambdaJson.toInput(event, inputType());
            return ((RequestHandler<Object, Object>) h).handleRequest(input, context);
        } catch (FunctionInvocationException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new FunctionInvocationException(logicalId, "handler failed: " + e, e);
        } finally {
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            if (tookMs > timeout.toMillis()) {
                // Lambda would have stopped it; locally it is only reported so that debugging sessions survive.
                LOG.warn("%s took %d ms, over its Timeout of %d s", logicalId, tookMs, timeout.toSeconds());
            } else {
                LOG.debug("%s request %s took %d ms", logicalId, context.getAwsRequestId(), tookMs);
            }
        }
    }

    /** Invokes and returns the output as JSON (null output becomes JSON null). */
    public JsonNode invokeForJson(Object event) {
        return LambdaJson.toTree(invoke(event));
    }

    private Object invokeStream(RequestStreamHandler stream, Object event, Context context) {
        byte[] in = LambdaJson.toTree(event).toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            stream.handleRequest(new ByteArrayInputStream(in), out, context);
        } catch (IOException e) {
            throw new FunctionInvocationException(logicalId, "handler failed: " + e, e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return null;
        }
        try {
            return LambdaJson.MAPPER.readTree(text);
        } catch (IOException notJson) {
            return text;
        }
    }

    /**
     * The suite's own class loader first: it holds the function modules (their runtime-scope dependency). The thread's
     * context loader is only a fallback, since threads the JDK's HTTP server starts carry the system loader, which
     * under {@code exec:java} (./run-local) does not see them.
     */
    private static Class<?> load(String className) throws ClassNotFoundException {
        try {
            return Class.forName(className, true, LocalFunction.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context == null || context == LocalFunction.class.getClassLoader()) {
                throw e;
            }
            return Class.forName(className, true, context);
        }
    }

    private Object create() {
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        Class<?> type;
        try {
            type = load(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new FunctionInvocationException(logicalId, "handler class " + className
                    + " is not on the classpath (is its module a dependency and built?)", e);
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(Env.class);
        } catch (NoSuchMethodException e) {
            throw new FunctionInvocationException(logicalId, className
                    + " needs a public constructor taking io.privacysuite.core.Env (the no-arg one reads the process environment)", e);
        }
        try {
            Object created = constructor.newInstance(env);
            if (!(created instanceof RequestHandler<?, ?>) && !(created instanceof RequestStreamHandler)) {
                throw new FunctionInvocationException(logicalId, className + " implements neither RequestHandler nor RequestStreamHandler", null);
            }
            LOG.debug("created handler %s for %s", className, logicalId);
            return created;
        } catch (InvocationTargetException e) {
            throw new FunctionInvocationException(logicalId, "constructor of " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new FunctionInvocationException(logicalId, "cannot instantiate " + className, e);
        }
    }

    /** Walks superclasses and interfaces, substituting type variables, until it meets RequestHandler<I, O>. */
    static Type typeArgument(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> next = new HashMap<>(bindings);
        if (type instanceof ParameterizedType parameterized) {
            raw = (Class<?>) parameterized.getRawType();
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] actual = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                Type a = actual[i];
                next.put(variables[i], a instanceof TypeVariable<?> v && bindings.containsKey(v) ? bindings.get(v) : a);
            }
            if (raw == RequestHandler.class) {
                return next.get(variables[0]);
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
        } else {
            return null;
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type found = typeArgument(parent, next);
            if (found != null) {
                return found;
            }
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? null : typeArgument(superclass, next);
    }
}
