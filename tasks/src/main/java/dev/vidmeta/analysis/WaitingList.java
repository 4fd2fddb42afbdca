package dev.vidmeta.analysis;

import dev.vidmeta.record.ObjectRef;

/**
 * Executions waiting for a Rekognition slot, oldest first. Each holds its task token: the execution keeps waiting
 * on that token ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token), so waiting
 * costs no state transition and no polling.
 */
public interface WaitingList {

    /** One waiting execution and what its start needs. */
    record Waiter(String waiterId, String taskToken, String executionId, ObjectRef object, long enqueuedAtMillis,
            long expiresAtEpochSeconds) {

        /** The order in the list: enqueue time (zero-padded, so that text order is time order), then the id. */
        public String position() {
            return String.format("%015d#%s", enqueuedAtMillis, waiterId);
        }
    }

    /** Lists a waiter at its position (again, when it is put back). */
    void add(Waiter waiter);

    /** Up to {@code n} waiters, oldest first (empty when none waits). */
    java.util.List<Waiter> oldest(int n);

    /**
     * Takes the waiter off the list, once: of several drains that found the same oldest waiter, exactly one gets
     * true.
     */
    boolean take(Waiter waiter);
}
