package dev.vidmeta.local.rekognition;

/** An error answer of the JSON 1.1 protocol: its {@code __type} and Message, with HTTP status 400. */
final class RekognitionException extends RuntimeException {
    final String code;

    RekognitionException(String code, String message) {
        super(message);
        this.code = code;
    }
}
