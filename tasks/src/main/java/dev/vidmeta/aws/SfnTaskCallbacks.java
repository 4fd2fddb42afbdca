package dev.vidmeta.aws;

import dev.vidmeta.analysis.TaskCallbacks;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.SendTaskFailureRequest;
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

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
