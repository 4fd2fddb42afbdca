package dev.vidmeta.local.s3;

import java.time.Instant;

/**
 * One successful DeleteObject on the local S3, as S3 reports it to EventBridge ("Object Deleted" in the S3
 * User Guide, "EventBridge event message structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 *
 * <p>In a versioned bucket a delete without a version id creates a delete marker: {@code deletion-type} is
 * "Delete Marker Created", {@code version-id} the marker's, and the ETag the empty object's, as in AWS's
 * example. A delete of one version, or any delete in an unversioned bucket, is "Permanently Deleted", with
 * the deleted version's id when there is one. The reason is always {@code DeleteObject}: the local S3 runs no
 * lifecycle rules.
 *
 * @param versionId the delete marker's version id, or the deleted version's; null in an unversioned bucket
 */
public record ObjectDeleted(
        String bucket,
        String key,
        String versionId,
        boolean deleteMarkerCreated,
        String sequencer,
        String requestId,
        Instant time) implements S3Event { }
