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

    /**
     * Whether the task of this token still waits: false once its execution stopped, timed out or moved on (a
     * waiter in the {@link WaitingList} that is no longer worth a slot).
     */
    boolean waiting(String taskToken);
}
