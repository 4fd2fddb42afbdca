package dev.vidmeta.analysis;

/**
 * Rekognition refused a ClientRequestToken already used for a start with other parameters (its
 * IdempotentParameterMismatchException): the start is to be made again under a fresh token, see {@link JobTokens}.
 */
public final class TokenReusedException extends Exception {

    public TokenReusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
