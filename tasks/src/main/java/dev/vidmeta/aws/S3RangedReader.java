package dev.vidmeta.aws;

import dev.vidmeta.probe.ContentRange;
import dev.vidmeta.probe.ObjectProbe;
import dev.vidmeta.probe.PrefetchingReader;
import dev.vidmeta.probe.RangeBody;
import dev.vidmeta.probe.RangedGetReader;
import dev.vidmeta.probe.RangedReader;
import dev.vidmeta.probe.SourceException;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads one S3 object version with bounded ranged GetObject calls.
 *
 * <p>The object is pinned so it cannot change under the probe: to the version id when the caller
 * names one or the first response carries one (versioned bucket), otherwise to the ETag the caller
 * names ({@link #forEtag}) or the first response's, sent as {@code If-Match} so S3 answers 412 if the key was overwritten. The total length of every
 * Content-Range is compared too. The size comes from the first response's Content-Range, or from
 * HeadObject when {@link #size()} is asked before any read.
 */
public final class S3RangedReader extends RangedGetReader {

    private final S3Client s3;
    private final String bucket;
    private final String key;

    private final Object pinLock = new Object();
    private boolean ownsClient;
    private String versionId;
    private String etag;
    private long size = -1;

    private S3RangedReader(S3Client s3, String bucket, String key, String versionId, String etag) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.versionId = versionId;
        this.etag = etag;
    }

    /**
     * An S3 client builder for probing: its connection pool is as large as the prefetcher's parallel
     * reads of a fragmented MP4 (Apache's default of 50 would make the rest wait for a connection).
     */
    public static S3ClientBuilder clientBuilder() {
        return S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(PrefetchingReader.Limits.defaults().parallelism()));
    }

    /** Reads the current version of {@code s3://bucket/key}, pinned on first contact. */
    public static S3RangedReader create(S3Client s3, String bucket, String key) {
        return new S3RangedReader(s3, bucket, key, null, null);
    }

    /** Reads exactly this version of the object. */
    public static S3RangedReader forVersion(S3Client s3, String bucket, String key, String versionId) {
        if (versionId == null || versionId.isEmpty()) {
            throw new IllegalArgumentException("versionId must not be empty");
        }
        return new S3RangedReader(s3, bucket, key, versionId, null);
    }

    /**
     * Reads the object only while its ETag is this one (every request carries {@code If-Match}), for an
     * unversioned bucket whose upload event named the ETag: an object overwritten after the event is
     * then SOURCE_CHANGED from the first request on, instead of being read as if it were the upload.
     * Quotes are optional: S3 events carry the ETag bare, S3 responses quoted.
     */
    public static S3RangedReader forEtag(S3Client s3, String bucket, String key, String etag) {
        if (etag == null || etag.isEmpty()) {
            throw new IllegalArgumentException("etag must not be empty");
        }
        String quoted = etag.startsWith("\"") ? etag : "\"" + etag + "\"";
        return new S3RangedReader(s3, bucket, key, null, quoted);
    }

    /** {@link ObjectProbe}'s reads on this client: one of the three factories above. */
    public static ObjectProbe.Source source(S3Client s3) {
        return new ObjectProbe.Source() {
            @Override
            public RangedReader version(String bucket, String key, String versionId) {
                return forVersion(s3, bucket, key, versionId);
            }

            @Override
            public RangedReader etag(String bucket, String key, String etag) {
                return forEtag(s3, bucket, key, etag);
            }

            @Override
            public RangedReader latest(String bucket, String key) {
                return create(s3, bucket, key);
            }
        };
    }

    @Override
    public long size() throws IOException {
        synchronized (pinLock) {
            if (size >= 0) {
                return size;
            }
        }
        HeadObjectRequest.Builder head = HeadObjectRequest.builder().bucket(bucket).key(key);
        synchronized (pinLock) {
            if (versionId != null) {
                head.versionId(versionId);
            } else if (etag != null) {
                head.ifMatch(etag);
            }
        }
        countRequest();
        HeadObjectResponse response;
        try {
            response = s3.headObject(head.build());
        } catch (SdkException e) {
            throw translate(e, "HeadObject");
        }
        pin(response.versionId(), response.eTag(), response.contentLength());
        synchronized (pinLock) {
            return size;
        }
    }

    @Override
    protected RangeBody open(long offset, long end) throws IOException {
        long known;
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key);
        synchronized (pinLock) {
            known = size;
            if (versionId != null) {
                get.versionId(versionId);
            } else if (etag != null) {
                get.ifMatch(etag);
            }
        }
        if (known >= 0 && offset >= known) {
            return null;
        }
        long last = end - 1;
        if (known >= 0) {
            last = Math.min(last, known - 1);
        }
        get.range("bytes=" + offset + "-" + last);
        countRequest();
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = s3.getObject(get.build());
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                // InvalidRange: the offset is at or past the end (only possible before the size is known).
                return null;
            }
            throw translate(e, "GetObject");
        } catch (SdkException e) {
            throw translate(e, "GetObject");
        }
        try {
            GetObjectResponse response = body.response();
            long total = totalFromContentRange(response.contentRange());
            pin(response.versionId(), response.eTag(), total);
            long length = Math.min(end, total >= 0 ? total : Long.MAX_VALUE) - offset;
            return body(body, offset, length, true, body::abort);
        } catch (SourceException e) {
            body.abort();
            body.close();
            throw e;
        }
    }

    private void pin(String responseVersion, String responseEtag, long total) throws SourceException {
        synchronized (pinLock) {
            boolean changed = (size >= 0 && total >= 0 && total != size)
                    || (etag != null && responseEtag != null && !etag.equals(responseEtag))
                    || (versionId != null && responseVersion != null && !versionId.equals(responseVersion));
            if (changed) {
                throw new SourceException(SourceException.Kind.CHANGED,
                        describe() + ": the object changed while it was being read");
            }
            if (versionId == null && responseVersion != null && !responseVersion.equals("null")) {
                // A versioned bucket: pin to this version; an overwrite then cannot reach us.
                versionId = responseVersion;
            }
            if (etag == null) {
                etag = responseEtag;
            }
            if (size < 0) {
                size = total;
            }
        }
    }

    private long totalFromContentRange(String header) throws SourceException {
        try {
            return ContentRange.parse(header).total();
        } catch (IllegalArgumentException e) {
            throw new SourceException(SourceException.Kind.UNAVAILABLE, describe() + ": " + e.getMessage());
        }
    }

    private SourceException translate(SdkException e, String operation) {
        String where = describe() + ": " + operation + " failed: ";
        if (e instanceof NoSuchKeyException) {
            return new SourceException(SourceException.Kind.NOT_FOUND, where + "no such key", e);
        }
        if (e instanceof S3Exception s3e) {
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            String reason = where + "HTTP " + s3e.statusCode() + (code == null ? "" : " " + code);
            int status = s3e.statusCode();
            if (status == 404 || "NoSuchKey".equals(code) || "NoSuchVersion".equals(code)) {
                return new SourceException(SourceException.Kind.NOT_FOUND, reason, e);
            }
            if (status == 403 || "AccessDenied".equals(code)) {
                return new SourceException(SourceException.Kind.ACCESS_DENIED, reason, e);
            }
            if (status == 412 || "PreconditionFailed".equals(code)) {
                return new SourceException(SourceException.Kind.CHANGED,
                        describe() + ": the object changed while it was being read (ETag no longer matches)", e);
            }
            if (status == 400 && "InvalidArgument".equals(code) && versionId != null) {
                // S3 answers a malformed version id with 400 InvalidArgument: that version does not exist.
                return new SourceException(SourceException.Kind.NOT_FOUND, reason, e);
            }
            return new SourceException(SourceException.Kind.UNAVAILABLE, reason, e);
        }
        // Client side: connection refused, timeouts, throttling retries exhausted.
        return new SourceException(SourceException.Kind.UNAVAILABLE, where + e.getMessage(), e);
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + key;
    }

    /** Makes {@link #close()} close the client too, for a one-off reader (the CLI's); returns this. */
    public S3RangedReader closingClient() {
        ownsClient = true;
        return this;
    }

    /** Leaves the client open unless {@link #closingClient()} was called: a Lambda shares one across probes. */
    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }
}
