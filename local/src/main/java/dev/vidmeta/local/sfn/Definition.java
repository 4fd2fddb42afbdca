package dev.vidmeta.local.sfn;

import java.util.List;
import java.util.Map;

/**
 * A validated JSONata state machine definition. Field values that may hold JSONata templates
 * ({@code "{% ... %}"} strings, possibly nested in objects and arrays) are kept as parsed JSON and evaluated
 * by {@link Expressions} at run time; everything else is checked by {@link DefinitionParser}.
 */
record Definition(Branch root, Integer timeoutSeconds) {

    /** A {@code StartAt} + {@code States} block: the whole machine, a Parallel branch or a Map processor. */
    record Branch(String startAt, Map<String, State> states) {
    }

    /** How a state that ends normally moves on: to {@code next}, or the branch ends when next is null. */
    sealed interface State permits Pass, Task, Choice, Wait, Parallel, MapState, Succeed, Fail {
        String name();

        /** Event type prefix in history: {@code TaskStateEntered}, {@code PassStateExited}, ... */
        default String eventPrefix() {
            return switch (this) {
                case Pass p -> "Pass";
                case Task t -> "Task";
                case Choice c -> "Choice";
                case Wait w -> "Wait";
                case Parallel p -> "Parallel";
                case MapState m -> "Map";
                case Succeed s -> "Succeed";
                case Fail f -> "Fail";
            };
        }
    }

    /** Output and Assign templates plus the transition, shared by the states that have them. */
    record Flow(Object output, Map<String, Object> assign, String next) {
    }

    record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
            Integer maxDelaySeconds, boolean fullJitter) {
    }

    record Catcher(List<String> errorEquals, String next, Object output, Map<String, Object> assign) {
    }

    record Pass(String name, Flow flow) implements State {
    }

    /**
     * @param waitForTaskToken whether the resource is {@code lambda:invoke.waitForTaskToken}
     * @param timeoutSeconds a number or a JSONata template; null for the default (no timeout in practice)
     * @param heartbeatSeconds a number or a JSONata template; null when absent
     */
    record Task(String name, boolean waitForTaskToken, Object arguments, Object timeoutSeconds,
            Object heartbeatSeconds, List<Retrier> retry, List<Catcher> catchers, Flow flow) implements State {
    }

    record ChoiceRule(Object condition, String next, Object output, Map<String, Object> assign) {
    }

    record Choice(String name, List<ChoiceRule> choices, String defaultNext, Object output,
            Map<String, Object> assign) implements State {
    }

    /** Exactly one of seconds and timestamp is set; each a literal or a JSONata template. */
    record Wait(String name, Object seconds, Object timestamp, Flow flow) implements State {
    }

    record Parallel(String name, List<Branch> branches, Object arguments, List<Retrier> retry,
            List<Catcher> catchers, Flow flow) implements State {
    }

    /**
     * @param toleratedFailureCount a number or a JSONata template; null when absent
     * @param toleratedFailurePercentage a number or a JSONata template; null when absent
     */
    record MapState(String name, Object items, Object itemSelector, Object maxConcurrency,
            Object toleratedFailureCount, Object toleratedFailurePercentage, Branch processor, List<Retrier> retry,
            List<Catcher> catchers, Flow flow) implements State {
    }

    record Succeed(String name, Object output) implements State {
    }

    record Fail(String name, Object error, Object cause) implements State {
    }
}
