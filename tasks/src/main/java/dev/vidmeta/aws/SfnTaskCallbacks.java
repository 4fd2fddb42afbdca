package dev.vidmeta.aws;

import dev.vidmeta.analysis.TaskCallbacks;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskHeartbeatRequest;
import software.amazon.awssdk.services.sfn.model.SendTaskSuccessRequest;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** Answers waiting tasks with SendTaskSuccess / SendTaskFailure; a task that stopped waiting is not an error. */
public final class SfnTaskCallbacks implements TaskCallbacks {

    /** SendTaskFailure limits: error 256 characters, cause 32,768. */
    static final int MAX_ERROR = 256;
    static final int MAX_CAUSE = 32_768;

    private final SfnClient sfn;

    public SfnTaskCallbacks(SfnClient sfn) {
        this.sfn = sfn;
    }

    @Override
    public Delivery success(String taskToken, String outputJson) {
        try {
            sfn.sendTaskSuccess(SendTaskSuccessRequest.builder().taskToken(taskToken).output(outputJson).build());
            return Delivery.DELIVERED;
        } catch (TaskDoesNotExistException | InvalidTokenException | TaskTimedOutException gone) {
            return Delivery.GONE;
        }
    }

    @Override
    public Delivery failure(String taskToken, String error, String cause) {
        try {
            sfn.sendTaskFailure(SendTaskFailureRequest.builder()
                    .taskToken(taskToken)
                    .error(truncate(error, MAX_ERROR))
                    .cause(truncate(cause, MAX_CAUSE))
                    .build());
            return Delivery.DELIVERED;
        } catch (TaskDoesNotExistException | InvalidTokenException | TaskTimedOutException gone) {
            return Delivery.GONE;
        }
    }

    /**
     * SendTaskHeartbeat, which "Task states using the callback pattern" may send, and which answers TaskTimedOut,
     * TaskDoesNotExist or InvalidToken for a task that no longer waits (API reference, Errors:
     * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html). The state has no
     * HeartbeatSeconds, so the heartbeat changes nothing for a task that still waits, and "this action does not in
     * itself create an event in the execution history" (same page).
     */
    @Override
    public boolean waiting(String taskToken) {
        try {
            sfn.sendTaskHeartbeat(SendTaskHeartbeatRequest.builder().taskToken(taskToken).build());
            return true;
        } catch (TaskDoesNotExistException | InvalidTokenException | TaskTimedOutException gone) {
            return false;
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
