package io.privacysuite.local.runtime;

/** Invokes one function with an event (any form {@link LambdaJson#toInput} accepts) and returns its output. */
@FunctionalInterface
public interface FunctionInvoker {
    Object invoke(Object event);
}
