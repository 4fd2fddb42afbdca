package dev.vidmeta.local.sfn;

/** The definition uses something this engine does not run, or is not valid ASL; the message says where. */
public final class InvalidDefinitionException extends RuntimeException {

    InvalidDefinitionException(String message) {
        super(message);
    }
}
