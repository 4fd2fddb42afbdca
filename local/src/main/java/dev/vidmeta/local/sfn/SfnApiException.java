package dev.vidmeta.local.sfn;

/**
 * An API error as the Step Functions service returns it: HTTP 400 with {@code __type} (ExecutionDoesNotExist,
 * InvalidDefinition, TaskTimedOut, ...) and {@code message}.
 */
final class SfnApiException extends RuntimeException {

    private final String type;

    SfnApiException(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    String type() {
        return type;
    }
}
