package dev.vidmeta.local.s3;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclRequest;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Keeps keys literally in front of s3proxy's filesystem store: every key goes in through {@link FilesystemKeys#encode}
 * and comes out of every listing through {@link FilesystemKeys#decode}, so callers above (s3proxy's HTTP front end,
 * {@link ObjectCreatedNotifier}) only ever see the keys clients sent.
 *
 * <p>Listings are answered here, not by the store: the store can only filter by stored names, and a literal prefix
 * ending inside a segment need not be a prefix of that segment's stored name. So this reads every key under the
 * prefix's whole segments, decodes them, and then filters, rolls up common prefixes and pages as the ListObjectsV2
 * and ListObjectVersions API references describe, in UTF-8 binary order ({@link FilesystemKeys#UTF8_ORDER}). That
 * walks the directory below the prefix on each page; the local runtime's buckets are small.
 */
final class LiteralKeyBlobStore extends ForwardingBlobStore {

    private static final int DEFAULT_MAX_KEYS = 1000;

    LiteralKeyBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public boolean blobExists(String container, String name) {
        return super.blobExists(container, FilesystemKeys.encode(name));
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream payload) {
        return super.putBlob(request.toBuilder().key(FilesystemKeys.encode(request.key())).build(), payload);
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return super.copyBlob(request.toBuilder()
                .sourceKey(FilesystemKeys.encode(request.sourceKey()))
                .destinationKey(FilesystemKeys.encode(request.destinationKey()))
                .build());
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return super.blobMetadata(request.toBuilder().key(FilesystemKeys.encode(request.key())).build());
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return super.getBlob(request.toBuilder().key(FilesystemKeys.encode(request.key())).build());
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        return super.removeBlob(request.toBuilder().key(FilesystemKeys.encode(request.key())).build());
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name) {
        return super.getBlobAccess(container, FilesystemKeys.encode(name));
    }

    @Override
    public ObjectCannedACL getBlobAccess(String container, String name, String versionId) {
        return super.getBlobAccess(container, FilesystemKeys.encode(name), versionId);
    }

    @Override
    public GetObjectAclResponse getBlobAcl(GetObjectAclRequest request) {
        return super.getBlobAcl(request.toBuilder().key(FilesystemKeys.encode(request.key())).build());
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access) {
        super.setBlobAccess(container, FilesystemKeys.encode(name), access);
    }

    @Override
    public void setBlobAccess(String container, String name, ObjectCannedACL access, String versionId) {
        super.setBlobAccess(container, FilesystemKeys.encode(name), access, versionId);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(CreateMultipartUploadRequest request) {
        MultipartUpload stored = super.initiateMultipartUpload(
                request.toBuilder().key(FilesystemKeys.encode(request.key())).build());
        return new MultipartUpload(stored.id(), request,
                stored.response() == null ? null : stored.response().toBuilder().key(request.key()).build());
    }

    @Override
    public void abortMultipartUpload(MultipartUpload mpu) {
        super.abortMultipartUpload(stored(mpu));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
            MultipartUpload mpu, CompleteMultipartUploadRequest request) {
        return super.completeMultipartUpload(stored(mpu), request);
    }

    @Override
    public UploadPartResponse uploadMultipartPart(MultipartUpload mpu, UploadPartRequest request, InputStream is) {
        return super.uploadMultipartPart(stored(mpu), request, is);
    }

    @Override
    public List<Part> listMultipartUpload(MultipartUpload mpu) {
        return super.listMultipartUpload(stored(mpu));
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
        var uploads = new ArrayList<software.amazon.awssdk.services.s3.model.MultipartUpload>();
        for (var upload : super.listMultipartUploads(container)) {
            String key = FilesystemKeys.decode(upload.key());
            if (key != null) {
                uploads.add(upload.toBuilder().key(key).build());
            }
        }
        return uploads;
    }

    /** Not an S3 operation (nothing in s3proxy's front end calls it); kept true to the literal keys all the same. */
    @Override
    public void clearContainer(ListObjectsV2Request request) {
        ListObjectsV2Request page = request;
        while (true) {
            ListObjectsV2Response listed = list(page);
            for (S3Object object : listed.contents()) {
                removeBlob(DeleteObjectRequest.builder().bucket(request.bucket()).key(object.key()).build());
            }
            if (listed.nextContinuationToken() == null) {
                return;
            }
            page = request.toBuilder().continuationToken(listed.nextContinuationToken()).build();
        }
    }

    /**
     * ListObjectsV2 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html): the keys starting
     * with Prefix, each key whose rest contains Delimiter rolled up into one CommonPrefixes entry up to its first
     * Delimiter, keys and prefixes in one sequence in UTF-8 binary order, MaxKeys of them a page. StartAfter and the
     * continuation token both name the entry to resume after; the token is that name, base64url-encoded, so it stays
     * opaque as S3's is. s3proxy's V1 listing calls this with the marker as StartAfter.
     */
    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        String prefix = request.prefix() == null ? "" : request.prefix();
        String delimiter = request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
        String after = request.continuationToken() != null ? fromToken(request.continuationToken())
                : request.startAfter();
        int maxKeys = request.maxKeys() == null ? DEFAULT_MAX_KEYS : request.maxKeys();

        // null values stand for common prefixes
        TreeMap<String, S3Object> entries = new TreeMap<>(FilesystemKeys.UTF8_ORDER);
        for (S3Object object : storedObjects(request.bucket(), prefix)) {
            String key = FilesystemKeys.decode(object.key());
            if (key == null || !key.startsWith(prefix)) {
                continue;
            }
            String rolledUp = rollUp(key, prefix, delimiter);
            if (rolledUp != null) {
                entries.put(rolledUp, null);
            } else {
                entries.put(key, object.toBuilder().key(key).build());
            }
        }
        var remaining = after == null ? entries : entries.tailMap(after, false);
        var contents = new ArrayList<S3Object>();
        var prefixes = new ArrayList<CommonPrefix>();
        String last = null;
        int taken = 0;
        for (Map.Entry<String, S3Object> entry : remaining.entrySet()) {
            if (taken == maxKeys) {
                break;
            }
            if (entry.getValue() == null) {
                prefixes.add(CommonPrefix.builder().prefix(entry.getKey()).build());
            } else {
                contents.add(entry.getValue());
            }
            last = entry.getKey();
            taken++;
        }
        // MaxKeys 0 lists nothing and so names nothing to resume after, as the store itself answers it
        boolean truncated = last != null && taken < remaining.size();
        return ListObjectsV2Response.builder()
                .contents(contents)
                .commonPrefixes(prefixes)
                .isTruncated(truncated)
                .nextContinuationToken(truncated ? toToken(last) : null)
                .build();
    }

    /**
     * ListObjectVersions (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html): versions and
     * delete markers of the keys starting with Prefix, keys in UTF-8 binary order and each key's newest first, paged
     * after KeyMarker (and VersionIdMarker); keys rolled up by Delimiter are reported as CommonPrefixes, as the
     * store does, on every page.
     */
    @Override
    public ListObjectVersionsResponse listVersions(ListObjectVersionsRequest request) {
        String prefix = request.prefix() == null ? "" : request.prefix();
        String delimiter = request.delimiter() == null || request.delimiter().isEmpty() ? null : request.delimiter();
        int maxKeys = request.maxKeys() == null ? DEFAULT_MAX_KEYS : request.maxKeys();
        ListObjectVersionsResponse stored = super.listVersions(ListObjectVersionsRequest.builder()
                .bucket(request.bucket())
                .prefix(FilesystemKeys.storedDirectory(prefix))
                .maxKeys(Integer.MAX_VALUE)
                .build());

        Set<String> commonPrefixes = new LinkedHashSet<>();
        var rows = new ArrayList<VersionRow>();
        for (ObjectVersion version : stored.versions()) {
            String key = FilesystemKeys.decode(version.key());
            if (key != null && key.startsWith(prefix) && !rolledUp(key, prefix, delimiter, commonPrefixes)) {
                rows.add(new VersionRow(key, version.versionId(), version.lastModified(),
                        version.toBuilder().key(key).build(), null));
            }
        }
        for (DeleteMarkerEntry marker : stored.deleteMarkers()) {
            String key = FilesystemKeys.decode(marker.key());
            if (key != null && key.startsWith(prefix) && !rolledUp(key, prefix, delimiter, commonPrefixes)) {
                rows.add(new VersionRow(key, marker.versionId(), marker.lastModified(), null,
                        marker.toBuilder().key(key).build()));
            }
        }
        rows.sort(Comparator.comparing(VersionRow::key, FilesystemKeys.UTF8_ORDER)
                .thenComparing(Comparator.comparing(VersionRow::lastModified).reversed()));

        int start = startAfterMarkers(rows, request.keyMarker(), request.versionIdMarker());
        int end = Math.min(rows.size(), start + maxKeys);
        var versions = new ArrayList<ObjectVersion>();
        var markers = new ArrayList<DeleteMarkerEntry>();
        for (VersionRow row : rows.subList(start, end)) {
            if (row.version() != null) {
                versions.add(row.version());
            } else {
                markers.add(row.marker());
            }
        }
        boolean truncated = end < rows.size() && end > start;
        VersionRow last = truncated ? rows.get(end - 1) : null;
        return ListObjectVersionsResponse.builder()
                .versions(versions)
                .deleteMarkers(markers)
                .commonPrefixes(commonPrefixes.stream().sorted(FilesystemKeys.UTF8_ORDER)
                        .map(p -> CommonPrefix.builder().prefix(p).build()).toList())
                .isTruncated(truncated)
                .nextKeyMarker(last == null ? null : last.key())
                .nextVersionIdMarker(last == null ? null : last.versionId())
                .build();
    }

    private record VersionRow(String key, String versionId, Instant lastModified, ObjectVersion version,
            DeleteMarkerEntry marker) { }

    private static int startAfterMarkers(List<VersionRow> rows, String keyMarker, String versionIdMarker) {
        if (keyMarker == null) {
            return 0;
        }
        for (int i = 0; i < rows.size(); i++) {
            VersionRow row = rows.get(i);
            if (versionIdMarker == null ? FilesystemKeys.UTF8_ORDER.compare(row.key(), keyMarker) > 0
                    : row.key().equals(keyMarker) && row.versionId().equals(versionIdMarker)) {
                return versionIdMarker == null ? i : i + 1;
            }
        }
        return rows.size();
    }

    /** Every current object stored under the prefix's whole segments, following the store's pages. */
    private List<S3Object> storedObjects(String bucket, String prefix) {
        var objects = new ArrayList<S3Object>();
        var request = ListObjectsV2Request.builder().bucket(bucket).prefix(FilesystemKeys.storedDirectory(prefix))
                .build();
        while (true) {
            ListObjectsV2Response page = super.list(request);
            objects.addAll(page.contents());
            if (page.nextContinuationToken() == null || page.contents().isEmpty()) {
                return objects;
            }
            request = request.toBuilder().continuationToken(page.nextContinuationToken()).build();
        }
    }

    /** The common prefix {@code key} rolls up into, or null when it is listed itself. */
    private static String rollUp(String key, String prefix, String delimiter) {
        if (delimiter == null) {
            return null;
        }
        int at = key.indexOf(delimiter, prefix.length());
        return at < 0 ? null : key.substring(0, at + delimiter.length());
    }

    private static boolean rolledUp(String key, String prefix, String delimiter, Set<String> commonPrefixes) {
        String rolledUp = rollUp(key, prefix, delimiter);
        if (rolledUp != null) {
            commonPrefixes.add(rolledUp);
        }
        return rolledUp != null;
    }

    /**
     * The upload as the store knows it: under the stored key. The store names an upload's parts and completes it by
     * the upload's key alone; the requests' own keys stay literal for {@link ObjectCreatedNotifier}.
     */
    private static MultipartUpload stored(MultipartUpload mpu) {
        return new MultipartUpload(mpu.id(),
                mpu.request().toBuilder().key(FilesystemKeys.encode(mpu.request().key())).build(),
                mpu.response());
    }

    private static String toToken(String name) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    private static String fromToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw S3Exceptions.invalidArgument("The continuation token provided is incorrect");
        }
    }
}
