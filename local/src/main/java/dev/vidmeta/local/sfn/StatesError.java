package dev.vidmeta.local.sfn;

import java.util.List;

/**
 * A runtime error as Step Functions names it ({@code States.Timeout}, a Lambda function's errorType, ...), with
 * its cause. It travels through Retry and Catch matching and ends up in history events and
 * {@code $states.errorOutput}.
 */
final class StatesError extends RuntimeException {

    static final String ALL = "States.ALL";
    static final String TASK_FAILED = "States.TaskFailed";
    static final String TIMEOUT = "States.Timeout";
    static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
    static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
    static final String RUNTIME = "States.Runtime";
    static final String QUERY_EVALUATION = "States.QueryEvaluationError";
    static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
    static final String EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold";

    private final String error;
    private final String errorCause;
    /** Raised by the engine while running a state, so its cause still lacks the state prefix. */
    private final boolean unplaced;

    /** An error whose cause is kept as given: a function's error, SendTaskFailure, a Fail state, a timeout. */
    StatesError(String error, String cause) {
        this(error, cause, false);
    }

    private StatesError(String error, String cause, boolean unplaced) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
        this.unplaced = unplaced;
    }

    /**
     * An error the engine itself raises while running a state (an expression that fails, a value of the wrong
     * type, ...). Its cause gets the state prefix ({@link #placed}) where the state handles it.
     */
    static StatesError inState(String error, String cause) {
        return new StatesError(error, cause, true);
    }

    /**
     * This error with its cause prefixed as Step Functions prefixes the causes its interpreter raises:
     * {@code An error occurred while executing the state '<name>' (entered at the event id #<n>). }, once, at the
     * innermost state; an error that carries a cause from elsewhere is returned unchanged. The developer guide
     * does not spell this text out; it is what AWS writes in execution history (the issue's recorded
     * executions, and AWS's own Step Functions workshop shows the same prefix on a States.Runtime cause).
     */
    StatesError placed(String stateName, long enteredEventId) {
        if (!unplaced || stateName == null) {
            return this;
        }
        return new StatesError(error, "An error occurred while executing the state '" + stateName
                + "' (entered at the event id #" + enteredEventId + "). " + errorCause, false);
    }

    /** The error name; null when a SendTaskFailure caller gave none. */
    String error() {
        return error;
    }

    String cause() {
        return errorCause;
    }

    /**
     * Whether an ErrorEquals list matches this error, by the rules in
     * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html : States.ALL matches
     * everything except the terminal States.DataLimitExceeded and States.Runtime; States.TaskFailed matches
     * everything except States.Timeout (and those terminal ones); States.Timeout also matches a heartbeat
     * timeout, since a missed heartbeat is reported as a timeout too.
     */
    boolean matches(List<String> errorEquals) {
        boolean terminal = DATA_LIMIT_EXCEEDED.equals(error) || RUNTIME.equals(error);
        for (String name : errorEquals) {
            if (name.equals(error)) {
                return true;
            }
            if (terminal) {
                continue;
            }
            boolean timeout = TIMEOUT.equals(error) || HEARTBEAT_TIMEOUT.equals(error);
            if (ALL.equals(name)
                    || (TASK_FAILED.equals(name) && !timeout)
                    || (TIMEOUT.equals(name) && HEARTBEAT_TIMEOUT.equals(error))) {
                return true;
            }
        }
        return false;
    }
}
