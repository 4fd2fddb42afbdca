package dev.vidmeta.local.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Sits between s3proxy's HTTP front end and the store, and reports each committed write and deletion (DeleteObject,
 * and each key of DeleteObjects, which s3proxy runs through the same {@link #removeBlob}).
 *
 * <p>Hooking the store rather than HTTP means only writes that really landed are reported, and a failed
 * precondition or a bad signature never produces an event -- as on S3.
 */
final class ObjectCreatedNotifier extends ForwardingBlobStore {

    private static final System.Logger LOG = System.getLogger(ObjectCreatedNotifier.class.getName());
    /** s3proxy keeps multipart-upload bookkeeping in blobs with this prefix; they are not user objects. */
    private static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

    /** Each event's sequencer value grows by this much; every other value then ends in "00". */
    private static final long SEQUENCER_STEP = 0x80;

    /**
     * The next sequencer's value. S3 documents the sequencer as a hex string that grows with each event for the
     * same key and whose length varies: "first right pad the shorter value with zeros, and then do a
     * lexicographical comparison" (Amazon S3 User Guide, "Event message structure",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). A single
     * clock-seeded counter is a stronger guarantee (it grows across keys too) and survives restarts because it
     * starts from the current time.
     */
    private final AtomicLong sequencer = new AtomicLong(System.currentTimeMillis() << 20);
    private final Consumer<S3Event> sink;

    ObjectCreatedNotifier(BlobStore delegate, Consumer<S3Event> sink) {
        super(delegate);
        this.sink = sink;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        var counting = new CountingInputStream(input);
        PutObjectResponse response = super.putBlob(request, counting);
        if (!request.key().startsWith(MULTIPART_STUB_PREFIX)) {
            emit(request.bucket(), request.key(), counting.count, response.eTag(), response.versionId(),
                    "PutObject");
        }
        return response;
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        CopyObjectResponse response = super.copyBlob(request);
        String etag = response.copyObjectResult() == null ? null : response.copyObjectResult().eTag();
        emitAfterLookup(request.destinationBucket(), request.destinationKey(), etag, response.versionId(),
                "CopyObject");
        return response;
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
            MultipartUpload upload, CompleteMultipartUploadRequest request) {
        CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
        emitAfterLookup(request.bucket(), request.key(), response.eTag(), response.versionId(),
                "CompleteMultipartUpload");
        return response;
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        DeleteObjectResponse response = super.removeBlob(request);
        if (request.key().startsWith(MULTIPART_STUB_PREFIX)) {
            return response;
        }
        boolean marker = Boolean.TRUE.equals(response.deleteMarker()) && request.versionId() == null;
        String versionId = reportedVersion(marker ? response.versionId() : request.versionId());
        deliver(new ObjectDeleted(request.bucket(), request.key(), versionId, marker, nextSequencer(), requestId(),
                Instant.now()));
        return response;
    }

    /** Copy and multipart responses carry no size; read it from the version just written. */
    private void emitAfterLookup(String bucket, String key, String etag, String versionId, String reason) {
        var head = delegate().blobMetadata(HeadObjectRequest.builder()
                .bucket(bucket).key(key).versionId(reportedVersion(versionId)).build());
        emit(bucket, key, head.contentLength(), etag == null ? head.eTag() : etag, versionId, reason);
    }

    private void emit(String bucket, String key, long size, String etag, String versionId, String reason) {
        deliver(new ObjectCreated(bucket, key, size, unquote(etag), reportedVersion(versionId),
                nextSequencer(), reason, requestId(), Instant.now()));
    }

    private void deliver(S3Event event) {
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            // The object is stored; a broken subscriber must not turn the write into an error.
            LOG.log(System.Logger.Level.WARNING, "event for s3://" + event.bucket() + "/" + event.key()
                    + " was not delivered", e);
        }
    }

    /**
     * 18 hex digits, or 16 when the last two are zeros, which right-padding restores: so successive events
     * alternate between the two lengths AWS's own examples have ("0055AED6DCD90281E5", "617f08299329d189"),
     * and any consumer that pads on the left instead orders them wrongly.
     */
    String nextSequencer() {
        String digits = "%018X".formatted(sequencer.addAndGet(SEQUENCER_STEP));
        return digits.endsWith("00") ? digits.substring(0, 16) : digits;
    }

    /** An unversioned bucket has no version ids; s3proxy's "null" (suspended versioning) is not one. */
    private static String reportedVersion(String versionId) {
        return versionId == null || versionId.equals("null") ? null : versionId;
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }

    /** Same form as S3's request ids: 16 upper-case hex digits. */
    private static String requestId() {
        return HexFormat.of().withUpperCase().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
