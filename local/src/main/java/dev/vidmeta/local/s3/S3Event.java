package dev.vidmeta.local.s3;

/** One change the local S3 reports to EventBridge, as S3 does: an object created, or deleted. */
public sealed interface S3Event permits ObjectCreated, ObjectDeleted {

    String bucket();

    String key();

    String sequencer();

    /** The EventBridge event, in the shape S3 sends it. */
    String toEventBridgeJson();
}
