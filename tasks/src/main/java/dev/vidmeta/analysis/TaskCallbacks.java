package dev.vidmeta.analysis;

/** Completes a waiting Step Functions task. */
public interface TaskCallbacks {

    /** Whether the execution got the answer. */
    enum Delivery {
        DELIVERED,
        /** The task no longer waits (TaskDoesNotExist, InvalidToken, TaskTimedOut): nothing left to do. */
        GONE
    }

    Delivery success(String taskToken, String outputJson);

    Delivery failure(String taskToken, String error, String cause);
}
