package dev.vidmeta.local.lambda;

/**
 * Synchronous ({@code RequestResponse}) invocation of a deployed function, as Lambda's Invoke API does it.
 *
 * <p>The local Step Functions engine calls this for {@code arn:aws:states:::lambda:invoke}; the local SNS
 * calls it to deliver to subscriptions. The JSON boundary is kept: payloads cross as text.
 */
public interface LambdaInvoker {

    /**
     * Invokes {@code functionName} (a name or ARN, optionally qualified with an alias or version).
     *
     * @throws LambdaServiceException when Lambda itself refuses the call (unknown function, throttling);
     *     a function that throws is not an exception here but an {@link Invocation} with a function error
     */
    Invocation invoke(String functionName, String payloadJson);

    /**
     * What Invoke returns.
     *
     * @param statusCode 200 for any invocation that reached the function
     * @param payloadJson the function's result, or for a function error Lambda's
     *     {@code {"errorType": ..., "errorMessage": ..., "stackTrace": [...]}} document
     * @param functionError {@code "Unhandled"} when the function failed, otherwise null
     */
    record Invocation(int statusCode, String payloadJson, String functionError) {

        public boolean failed() {
            return functionError != null;
        }
    }

    /**
     * Lambda refused the invocation. {@code errorName} is the name Step Functions reports for it,
     * for example {@code Lambda.ResourceNotFoundException} or {@code Lambda.TooManyRequestsException}.
     */
    final class LambdaServiceException extends RuntimeException {
        private final String errorName;

        public LambdaServiceException(String errorName, String message) {
            super(message);
            this.errorName = errorName;
        }

        public String errorName() {
            return errorName;
        }
    }
}
