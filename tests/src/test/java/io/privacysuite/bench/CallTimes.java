package io.privacysuite.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The export bench's view of each AWS call an export makes: its service and operation, when it started and ended.
 * Only calls of the thread that called {@link #start()} and of the threads it starts meanwhile (the export's own
 * uploads) count, not the local stack's pollers and functions. Registered for every SDK client of the test JVM
 * through the SDK's global {@code execution.interceptors} resource; it records nothing unless started, and only
 * observes.
 */
public final class CallTimes implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("bench.callStarted");
    private static volatile ConcurrentLinkedQueue<Call> recording;
    private static final InheritableThreadLocal<Boolean> RECORDED_THREAD = new InheritableThreadLocal<>();

    /** One call: {@code Service.Operation}, start and end in nanoTime. */
    record Call(String name, long start, long end) {
        long millis() {
            return (end - start) / 1_000_000;
        }
    }

    static void start() {
        RECORDED_THREAD.set(true);
        recording = new ConcurrentLinkedQueue<>();
    }

    static List<Call> stop() {
        ConcurrentLinkedQueue<Call> calls = recording;
        recording = null;
        RECORDED_THREAD.remove();
        return calls == null ? List.of() : calls.stream().sorted(java.util.Comparator.comparingLong(Call::start)).toList();
    }

    /** The summed time of the calls whose {@code Service.Operation} is one of {@code names}. */
    static long millis(List<Call> calls, java.util.Set<String> names) {
        return calls.stream().filter(c -> names.contains(c.name())).mapToLong(c -> c.end() - c.start()).sum() / 1_000_000;
    }

    /**
     * The calls in order as {@code name ms}, and the time no call was running (between {@code begin} and {@code end}):
     * the export's own work (serializing aside, which overlaps the S3 calls).
     */
    static String describe(List<Call> calls, long begin, long end) {
        Map<String, long[]> byName = new LinkedHashMap<>();
        for (Call c : calls) {
            long[] v = byName.computeIfAbsent(c.name(), k -> new long[2]);
            v[0]++;
            v[1] += c.millis();
        }
        List<String> parts = new ArrayList<>();
        byName.forEach((name, v) -> parts.add(name + (v[0] > 1 ? " x" + v[0] : "") + " " + v[1]));
        long idle = 0;
        long cursor = begin;
        for (Call c : calls) {
            if (c.start() > cursor) {
                idle += c.start() - cursor;
            }
            cursor = Math.max(cursor, c.end());
        }
        idle += Math.max(0, end - cursor);
        return String.join(", ", parts) + "; no call running " + idle / 1_000_000;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (recording != null && Boolean.TRUE.equals(RECORDED_THREAD.get())) {
            attributes.putAttribute(STARTED, System.nanoTime());
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    private static void record(ExecutionAttributes attributes) {
        ConcurrentLinkedQueue<Call> calls = recording;
        Long started = attributes.getAttribute(STARTED);
        if (calls != null && started != null) {
            calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), started, System.nanoTime()));
        }
    }
}
