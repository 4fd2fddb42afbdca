package dev.vidmeta.probe;

/**
 * What probing one object cost, as the byte source counted it.
 *
 * @param requests ranged requests (or positioned file reads) made
 * @param bytesRead bytes received from the source
 * @param wallMillis wall time of the whole probe, MediaInfo included
 */
public record ProbeStats(long requests, long bytesRead, long wallMillis) {
}
