package dev.vidmeta.local.s3;

import dev.vidmeta.local.WorkDirLock;
import dev.vidmeta.local.http.JettyCacheLines;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.s3.nio2blob.VersioningFilesystemBlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.shaded.org.eclipse.jetty.http.HttpHeader;
import org.gaul.shaded.org.eclipse.jetty.io.Content;
import org.gaul.shaded.org.eclipse.jetty.server.Handler;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.Response;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.util.Callback;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/**
 * s3proxy 4.1.0 in-process on 127.0.0.1 (random port), storing objects as files under a work directory.
 *
 * <p>Credentials: any non-empty key pair, as in the other local services. s3proxy verifies a signature only
 * against the one secret it is configured with, so its own check is off, and {@link LocalRequestGuard} stands in
 * front of it instead: a request must carry a Signature Version 4 {@code Authorization} header of the documented
 * shape, or SigV4 presigned-URL query parameters (not on a POST, where a web form could forge them), and no
 * {@code Origin}. Refusals are S3's own errors (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 * s3proxy still decodes aws-chunked bodies and refuses expired presigned URLs without its signature check.
 *
 * <p>What the pipeline relies on, all served by s3proxy's own S3 front end: ranged GET; {@code If-Match}
 * answered with 412 PreconditionFailed when the ETag changed, ranged or not (s3proxy checks conditions
 * before it opens the range); versioned buckets with {@code versionId} on GET and HEAD (see
 * {@link VersioningFilesystemBlobStore}); keys kept literally, as S3 keeps them ({@link LiteralKeyBlobStore}).
 * Each committed PutObject, CopyObject or CompleteMultipartUpload
 * is handed to the event sink as an {@link ObjectCreated}, each DeleteObject as an {@link ObjectDeleted}.
 */
public final class LocalS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final BlobStore store;
    private final WorkDirLock lock;
    private final Path dataDir;

    private LocalS3(S3Proxy proxy, BlobStore store, WorkDirLock lock, Path dataDir) {
        this.proxy = proxy;
        this.store = store;
        this.lock = lock;
        this.dataDir = dataDir;
    }

    /**
     * Starts the server. Objects live in {@code workDir/s3/<bucket>/<key>} and survive restarts; a key the
     * filesystem cannot hold as a path (a {@code .}, {@code ..} or empty segment, a segment over 169 bytes) is
     * stored under the name {@link FilesystemKeys} gives it, and still listed and reported by its own key.
     *
     * @throws WorkDirLock.InUseException when another local S3 (this or another process) uses {@code workDir}
     */
    public static LocalS3 start(Path workDir, Consumer<S3Event> events) {
        JettyCacheLines.preset();
        Path dataDir = workDir.resolve("s3");
        WorkDirLock lock = null;
        try {
            Files.createDirectories(dataDir);
            lock = WorkDirLock.acquire(workDir, "s3.lock", "local S3");
            BlobStore store = new ObjectCreatedNotifier(
                    new LiteralKeyBlobStore(new VersioningFilesystemBlobStore(dataDir)), events);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.NONE, null, null)
                    .jettyMaxThreads(64)
                    // No graceful drain. Jetty's drain waits until every connection is closed, idle ones
                    // included, and closes idle ones only after 1 s (its shutdown idle timeout); clients
                    // keep idle keep-alive connections in their pools, so a 2 s drain took about 2 s and, on a
                    // loaded machine, ran out and failed the stop. Nothing is lost by cutting a request: s3proxy writes each object to a
                    // temporary file and moves it into place, so an interrupted upload leaves no object.
                    .stopTimeout(0)
                    .build();
            guard(proxy);
            proxy.start();
            return new LocalS3(proxy, store, lock, dataDir);
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException("cannot start the local S3 in " + dataDir, e);
        } catch (Exception e) {
            closeQuietly(lock);
            throw e instanceof RuntimeException re ? re : new IllegalStateException("local S3 did not start", e);
        }
    }

    /**
     * Puts {@link SigV4Front} in front of s3proxy's handler. s3proxy 4.1.0 offers no hook before its own request
     * handling, and its (shaded) Jetty server is a private field: read it once, before the server starts.
     */
    private static void guard(S3Proxy proxy) {
        try {
            Field field = S3Proxy.class.getDeclaredField("server");
            field.setAccessible(true);
            Server server = (Server) field.get(proxy);
            server.setHandler(new SigV4Front(server.getHandler()));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot put the signature check in front of this s3proxy version", e);
        }
    }

    /**
     * Answers a request {@link LocalRequestGuard} refuses, or one whose key is longer than S3 allows, with S3's XML
     * error; passes the others on.
     */
    static final class SigV4Front extends Handler.Wrapper {

        /**
         * "a sequence of Unicode characters encoded in UTF-8, with a maximum length of 1,024 bytes" (Amazon S3 User
         * Guide, "Naming Amazon S3 objects"); s3proxy takes longer ones.
         */
        static final int MAX_KEY_BYTES = 1_024;

        SigV4Front(Handler s3proxy) {
            super(s3proxy);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(request.getMethod(),
                    request.getHttpURI().getQuery(), name -> request.getHeaders().get(name), Presigning.ACCEPTED);
            if (refusal != null) {
                return refuse(response, callback, refusal.s3Status(), refusal.s3Code(), refusal.message());
            }
            if (keyBytes(request.getHttpURI().getPath()) > MAX_KEY_BYTES) {
                // Amazon S3 API Reference, "Error responses", list of error codes: KeyTooLongError, 400.
                return refuse(response, callback, 400, "KeyTooLongError", "Your key is too long.");
            }
            return super.handle(request, response, callback);
        }

        private static boolean refuse(Response response, Callback callback, int status, String code, String message) {
            String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                    + message + "</Message></Error>";
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
            Content.Sink.write(response, true, body, callback);
            return true;
        }

        /**
         * The UTF-8 length of the key in a path-style request path ({@code /bucket/key}, percent-encoded as sent),
         * 0 when it names no key. Decoded as URIs are (RFC 3986: {@code %XX} is one byte; no {@code +} for space).
         */
        static int keyBytes(String rawPath) {
            int keyStart = rawPath == null ? -1 : rawPath.indexOf('/', 1);
            if (keyStart < 0) {
                return 0;
            }
            int bytes = 0;
            for (int i = keyStart + 1; i < rawPath.length(); i++) {
                char c = rawPath.charAt(i);
                if (c == '%' && i + 2 < rawPath.length()) {
                    i += 2;
                    bytes++;
                } else {
                    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
                }
            }
            return bytes;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the bucket unless it exists; enables versioning when asked (idempotent, like Terraform). */
    public void createBucket(String name, boolean versioned) {
        if (!store.containerExists(name)) {
            store.createContainer(name);
        }
        if (versioned) {
            store.putBucketVersioning(name, BucketVersioningStatus.ENABLED);
        }
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("local S3 did not stop cleanly", e);
        } finally {
            closeQuietly(lock);
        }
    }

    private static void closeQuietly(WorkDirLock lock) {
        if (lock != null) {
            try {
                lock.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
