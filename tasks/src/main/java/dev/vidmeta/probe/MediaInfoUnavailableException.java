package dev.vidmeta.probe;

/** libmediainfo cannot be loaded: a deployment error, not a property of the file being probed. */
public final class MediaInfoUnavailableException extends RuntimeException {

    public MediaInfoUnavailableException(String message) {
        super(message);
    }
}
