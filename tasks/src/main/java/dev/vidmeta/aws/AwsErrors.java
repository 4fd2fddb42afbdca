package dev.vidmeta.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which SDK failures are worth another attempt by the state machine after the SDK's own retries. */
public final class AwsErrors {

    private AwsErrors() {}

    public static boolean isTransient(Throwable t) {
        if (t instanceof SdkClientException) {
            return true; // network, timeouts: nothing reached the service or the answer was lost
        }
        if (t instanceof AwsServiceException e) {
            return e.isThrottlingException() || e.statusCode() >= 500;
        }
        return false;
    }
}
