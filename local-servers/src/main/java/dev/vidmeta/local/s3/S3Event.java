package dev.vidmeta.local.s3;

/**
 * One change the local S3 reports to EventBridge, as S3 does: an object created, or deleted. The runtime turns it
 * into the event's JSON ({@code dev.vidmeta.local.events.S3EventJson}), which needs the pipeline's own
 * event and key codecs; the servers module knows nothing of the pipeline.
 */
public sealed interface S3Event permits ObjectCreated, ObjectDeleted {

    String bucket();

    String key();

    String sequencer();
}
