package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.Catcher;
import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import dev.vidmeta.local.sfn.Definition.Retrier;
import dev.vidmeta.local.sfn.Definition.State;
import dev.vidmeta.local.sfn.Definition.Task;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * What a state's Retry and Catch fields make of an error ("Handling errors in Step Functions workflows",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): the first retrier whose
 * ErrorEquals matches decides; while it has attempts left the state is tried again after
 * IntervalSeconds x BackoffRate^attempt (capped by MaxDelaySeconds, jittered when JitterStrategy is FULL); once it
 * is exhausted, or when none matches, the first matching catcher moves on to its Next; otherwise the branch fails.
 */
final class ErrorPolicy {

    /** What to do with an error. */
    sealed interface Decision permits Retry, Catch, Fail {
    }

    /** Attempt the state again after {@code seconds} of workflow time. */
    record Retry(double seconds) implements Decision {
    }

    /** Leave the state for {@code next} with the catcher's output and assignments. */
    record Catch(String next, Object output, Map<String, Object> assigned) implements Decision {
    }

    /** Fail the branch with {@code error}. */
    record Fail(StatesError error) implements Decision {
    }

    private ErrorPolicy() {
    }

    /**
     * Decides on {@code error} raised in the run's current state {@code state}. A retry counts against its
     * retrier on the run ({@link Run#retryAttempts}, and {@code $states.context.State.RetryCount}).
     *
     * @param random a number in [0, 1) for full jitter
     */
    static Decision decide(Run run, State state, StatesError error, DoubleSupplier random) {
        List<Retrier> retriers = retriers(state);
        for (int i = 0; i < retriers.size(); i++) {
            Retrier retrier = retriers.get(i);
            if (!error.matches(retrier.errorEquals())) {
                continue;
            }
            int attempts = run.retryAttempts[i];
            if (attempts < retrier.maxAttempts()) {
                run.retryAttempts[i] = attempts + 1;
                run.retryCount++;
                double delay = retrier.intervalSeconds() * Math.pow(retrier.backoffRate(), attempts);
                if (retrier.maxDelaySeconds() != null) {
                    delay = Math.min(delay, retrier.maxDelaySeconds());
                }
                if (retrier.fullJitter()) {
                    delay = random.getAsDouble() * delay;
                }
                return new Retry(delay);
            }
            break;
        }
        List<Catcher> catchers = catchers(state);
        for (int c = 0; c < catchers.size(); c++) {
            Catcher catcher = catchers.get(c);
            if (!error.matches(catcher.errorEquals())) {
                continue;
            }
            Map<String, Object> errorOutput = Evaluation.errorOutput(error);
            Map<String, Object> st = Evaluation.states(run, run.stateInput, null, errorOutput);
            try {
                Object output = catcher.output() == null ? errorOutput
                        : Expressions.evaluate(catcher.output(), st, run.scope, "Catch[" + c + "]/Output");
                Map<String, Object> assigned = Evaluation.assign(catcher.assign(), st, run, "Catch[" + c
                        + "]/Assign");
                Evaluation.checkSize(output, "the output of state '" + state.name() + "'");
                return new Catch(catcher.next(), output, assigned);
            } catch (StatesError e) {
                return new Fail(Evaluation.placed(e, run));
            }
        }
        return new Fail(error);
    }

    static List<Retrier> retriers(State state) {
        return switch (state) {
            case Task t -> t.retry();
            case Parallel p -> p.retry();
            case MapState m -> m.retry();
            default -> List.of();
        };
    }

    private static List<Catcher> catchers(State state) {
        return switch (state) {
            case Task t -> t.catchers();
            case Parallel p -> p.catchers();
            case MapState m -> m.catchers();
            default -> List.of();
        };
    }
}
