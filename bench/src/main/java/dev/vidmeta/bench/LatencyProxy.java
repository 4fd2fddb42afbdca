package dev.vidmeta.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.1 proxy in front of the local S3 that adds a fixed time to first byte to every
 * request and counts requests and response body bytes: the network between a reader and S3, made
 * measurable. It relays requests unchanged (Host included), so SigV4 signatures and presigned URLs
 * made for the proxy's address verify at the server behind it.
 *
 * <p>Client connections are kept alive as long as the client wants (each request gets a fresh
 * loopback connection upstream), so keep-alive and parallel connections cost what they would
 * against S3. Bytes count the response bodies written to the client: a
 * client that hangs up mid-body (the mediainfo CLI does, on open-ended ranges) is charged for what
 * it was sent.
 */
final class LatencyProxy implements AutoCloseable {

    /** Counts since the last {@link #reset()}. */
    record Counts(long requests, long bytes, long connections) {}

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long ttfbNanos;
    private final ExecutorService connections = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();

    private LatencyProxy(ServerSocket server, InetSocketAddress upstream, Duration ttfb) {
        this.server = server;
        this.upstream = upstream;
        this.ttfbNanos = ttfb.toNanos();
    }

    static LatencyProxy start(URI upstream, Duration ttfb) throws IOException {
        ServerSocket server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        LatencyProxy proxy = new LatencyProxy(server,
                new InetSocketAddress(upstream.getHost(), upstream.getPort()), ttfb);
        Thread acceptor = Thread.ofPlatform().daemon().name("latency-proxy").start(proxy::accept);
        acceptor.setUncaughtExceptionHandler((t, e) -> { });
        return proxy;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    void reset() {
        requests.set(0);
        bytes.set(0);
        opened.set(0);
    }

    Counts counts() {
        return new Counts(requests.get(), bytes.get(), opened.get());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                opened.incrementAndGet();
                connections.submit(() -> relay(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client) {
            client.setTcpNoDelay(true);
            // A small send buffer, so a client that hangs up mid-body (curl on an open-ended range)
            // is charged for about what it received, not for megabytes parked in loopback buffers.
            client.setSendBufferSize(64 << 10);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toClient = client.getOutputStream();
            while (true) {
                Head request = Head.read(fromClient);
                if (request == null) {
                    return;
                }
                requests.incrementAndGet();
                sleep(ttfbNanos);
                // A fresh upstream connection per request: the server may drop an idle one while the
                // client keeps its side pooled, and the client must not be the one to find out.
                try (Socket origin = new Socket(upstream.getAddress(), upstream.getPort())) {
                    origin.setTcpNoDelay(true);
                    if (!exchange(request, fromClient, toClient, origin) || request.closes()) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // A side hung up: the other connection is closed with it, as a real proxy would.
        }
    }

    /** Relays one request and its response; false when the client connection cannot be reused. */
    private boolean exchange(Head request, InputStream fromClient, OutputStream toClient, Socket origin)
            throws IOException {
        InputStream fromOrigin = new BufferedInputStream(origin.getInputStream(), 1 << 16);
        OutputStream toOrigin = origin.getOutputStream();
        toOrigin.write(request.raw());
        copy(fromClient, toOrigin, request.contentLength(), null);
        toOrigin.flush();
        Head response = Head.read(fromOrigin);
        if (response == null) {
            return false;
        }
        toClient.write(response.raw());
        int status = response.status();
        if (request.firstLine().startsWith("HEAD ") || status == 204 || status == 304) {
            toClient.flush();
        } else if (response.chunked()) {
            copyChunked(fromOrigin, toClient);
        } else if (response.contentLength() >= 0) {
            copy(fromOrigin, toClient, response.contentLength(), bytes);
        } else {
            copy(fromOrigin, toClient, Long.MAX_VALUE, bytes);
            return false;
        }
        toClient.flush();
        return !response.closes();
    }

    private static void copy(InputStream in, OutputStream out, long length, AtomicLong counter) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                if (length == Long.MAX_VALUE) {
                    return;
                }
                throw new EOFException();
            }
            out.write(buffer, 0, n);
            if (counter != null) {
                counter.addAndGet(n);
            }
            left -= n;
        }
    }

    private void copyChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = Head.line(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = Head.line(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copy(in, out, size, bytes);
            out.write((Head.line(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        connections.shutdownNow();
    }

    /** A request or response head: the start line and headers, kept byte for byte. */
    private record Head(String firstLine, byte[] raw, long contentLength, boolean chunked, boolean closes) {

        int status() {
            String[] parts = firstLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        }

        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            String first = line(in, raw);
            if (first == null) {
                return null;
            }
            long length = -1;
            boolean chunked = false;
            boolean closes = false;
            for (String header = line(in, raw); header != null && !header.isEmpty(); header = line(in, raw)) {
                int colon = header.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> closes = value.contains("close");
                    default -> { }
                }
            }
            return new Head(first, raw.toByteArray(), first.startsWith("HTTP/") ? length : Math.max(length, 0),
                    chunked, closes);
        }

        static String line(InputStream in) throws IOException {
            String line = line(in, new ByteArrayOutputStream());
            if (line == null) {
                throw new EOFException();
            }
            return line;
        }

        /** One CRLF-terminated line, appended (with its CRLF) to {@code raw}; null at a clean end of stream. */
        private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                raw.write(c);
                if (c == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                line.append((char) c);
            }
            if (line.isEmpty()) {
                return null;
            }
            throw new EOFException();
        }
    }
}
