package dev.vidmeta.local.sfn;

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

    private final String error;
    private final String errorCause;

    StatesError(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.errorCause = cause;
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
    boolean matches(java.util.List<String> errorEquals) {
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
