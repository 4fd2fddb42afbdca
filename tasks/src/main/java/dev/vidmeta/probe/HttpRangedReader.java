package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Reads an HTTP(S) URL -- typically a presigned S3 URL -- with bounded {@code Range: bytes=a-b} GETs.
 *
 * <p>One {@link HttpClient} serves every request, so HTTP/1.1 connections are kept alive and reused
 * (and parallel reads each take a pooled connection). The first response pins the object: later
 * requests carry {@code If-Match} with its ETag (or {@code If-Unmodified-Since} with its
 * Last-Modified when there is no ETag), and every response's ETag and total length are compared
 * with the pinned ones, so an object that changes mid-probe is a {@link SourceException.Kind#CHANGED}
 * even from a server that ignores conditional headers.
 *
 * <p>The URL's query string is never logged or put into a message: presigned URLs carry their
 * signature there.
 */
public final class HttpRangedReader extends RangedGetReader {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;
    private final URI uri;
    private final String described;
    private final Duration timeout;
    private final boolean ownsClient;

    // The pin: established by the first response, then only compared.
    private final Object pinLock = new Object();
    private long size = -1;
    private String etag;
    private String lastModified;

    private HttpRangedReader(HttpClient client, URI uri, Duration timeout, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.uri = uri;
        this.described = redact(uri);
        this.timeout = timeout;
    }

    /** A reader with its own client; closing the reader closes the client. */
    public static HttpRangedReader open(URI uri) {
        requireHttp(uri);
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        return new HttpRangedReader(client, uri, DEFAULT_TIMEOUT, true);
    }

    /** A reader sharing {@code client}; {@code timeout} bounds each request. */
    public static HttpRangedReader create(HttpClient client, URI uri, Duration timeout) {
        requireHttp(uri);
        return new HttpRangedReader(client, uri, timeout, false);
    }

    private static void requireHttp(URI uri) {
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("not an http(s) URL: " + redact(uri));
        }
    }

    /** scheme://host[:port]/path: no user info, no query (a presigned URL's signature), no fragment. */
    static String redact(URI uri) {
        StringBuilder text = new StringBuilder();
        if (uri.getScheme() != null) {
            text.append(uri.getScheme()).append("://");
        }
        if (uri.getHost() != null) {
            text.append(uri.getHost());
        }
        if (uri.getPort() >= 0) {
            text.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            text.append(uri.getRawPath());
        }
        return text.toString();
    }

    @Override
    public long size() throws IOException {
        synchronized (pinLock) {
            if (size >= 0) {
                return size;
            }
        }
        // A one-byte ranged GET rather than HEAD: a presigned URL is signed for GET only.
        read(0, new byte[1], 0, 1);
        synchronized (pinLock) {
            return size;
        }
    }

    @Override
    protected RangeBody open(long offset, long end) throws IOException {
        long known = knownSize();
        if (known >= 0 && offset >= known) {
            return null;
        }
        long last = end - 1;
        if (known >= 0) {
            last = Math.min(last, known - 1);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Range", "bytes=" + offset + "-" + last)
                .GET();
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // No h2c upgrade dance on plain HTTP: keep-alive HTTP/1.1 is what servers here speak.
            request.version(HttpClient.Version.HTTP_1_1);
        }
        synchronized (pinLock) {
            // If-Match compares strongly, so a weak ETag would always fail it: compare those instead.
            if (etag != null && !etag.startsWith("W/")) {
                request.header("If-Match", etag);
            } else if (lastModified != null) {
                request.header("If-Unmodified-Since", lastModified);
            }
        }
        countRequest();
        HttpResponse<InputStream> response = send(request.build());
        InputStream body = response.body();
        try {
            int status = response.statusCode();
            if (status == 416) {
                pin(response, contentRange(response).total());
                body.close();
                return null;
            }
            failOnError(status);
            long total;
            if (status == 206) {
                ContentRange range = contentRange(response);
                total = range.total();
                long start = range.first();
                if (start != offset) {
                    throw new SourceException(SourceException.Kind.UNAVAILABLE,
                            described + ": asked for offset " + offset + ", got " + start);
                }
            } else if (status == 200 && offset == 0) {
                // The server ignored Range and sends the whole object: the body hands out the bytes
                // asked for and drops the connection rather than read the rest.
                total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            } else {
                throw new SourceException(SourceException.Kind.UNAVAILABLE,
                        described + ": server does not honour Range requests (HTTP " + status + ")");
            }
            pin(response, total);
            long length = Math.min(end, total >= 0 ? total : Long.MAX_VALUE) - offset;
            // Closing the JDK client's body stream before its end cancels the exchange, which closes
            // an HTTP/1.1 connection: there is nothing more to do to drop it.
            return body(body, offset, length, status == 206, () -> { });
        } catch (IOException e) {
            body.close();
            throw e;
        }
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws SourceException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new SourceException(SourceException.Kind.UNAVAILABLE, described + ": timed out after " + timeout, e);
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.UNAVAILABLE, described + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(SourceException.Kind.UNAVAILABLE, described + ": interrupted", e);
        }
    }

    private void failOnError(int status) throws SourceException {
        SourceException.Kind kind;
        if (status < 400) {
            return;
        } else if (status == 404 || status == 410) {
            kind = SourceException.Kind.NOT_FOUND;
        } else if (status == 401 || status == 403) {
            kind = SourceException.Kind.ACCESS_DENIED;
        } else if (status == 412) {
            kind = SourceException.Kind.CHANGED;
        } else {
            kind = SourceException.Kind.UNAVAILABLE;
        }
        throw new SourceException(kind, described + ": HTTP " + status);
    }

    private void pin(HttpResponse<?> response, long total) throws SourceException {
        String responseEtag = response.headers().firstValue("ETag").orElse(null);
        String responseModified = response.headers().firstValue("Last-Modified").orElse(null);
        synchronized (pinLock) {
            if (size < 0 && etag == null && lastModified == null) {
                size = total;
                etag = responseEtag;
                lastModified = responseModified;
                return;
            }
            boolean changed = (total >= 0 && size >= 0 && total != size)
                    || (etag != null && responseEtag != null && !etag.equals(responseEtag))
                    || (etag == null && lastModified != null && responseModified != null
                            && !lastModified.equals(responseModified));
            if (changed) {
                throw new SourceException(SourceException.Kind.CHANGED,
                        described + ": the object changed while it was being read");
            }
            if (size < 0) {
                size = total;
            }
        }
    }

    private long knownSize() {
        synchronized (pinLock) {
            return size;
        }
    }

    private ContentRange contentRange(HttpResponse<?> response) throws SourceException {
        String header = response.headers().firstValue("Content-Range").orElse(null);
        try {
            return ContentRange.parse(header);
        } catch (IllegalArgumentException e) {
            throw new SourceException(SourceException.Kind.UNAVAILABLE,
                    described + ": HTTP " + response.statusCode() + " with " + e.getMessage());
        }
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
