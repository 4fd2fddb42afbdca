package dev.vidmeta.probe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An origin on 127.0.0.1 that serves one object with {@code Range} requests, answers {@code If-Match}
 * as S3 does, and records what crossed the wire. Tests change the object or force an error status
 * between requests. Shared with the CLI's tests through the tasks test-jar.
 */
public final class RangeServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private final HttpServer server;
    private volatile byte[] content;
    private volatile String etag = "\"v1\"";
    private volatile int forcedStatus;
    private volatile boolean honourIfMatch = true;
    private volatile int cutBodiesAfter = -1;
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final List<String> ifMatches = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final AtomicLong bodyBytesSent = new AtomicLong();
    private final AtomicInteger bodiesCut = new AtomicInteger();

    private RangeServer(HttpServer server, byte[] content) {
        this.server = server;
        this.content = content;
    }

    /** Serves {@code content} under every path below {@code /media/}. */
    public static RangeServer start(byte[] content) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        RangeServer server = new RangeServer(http, content);
        http.createContext("/media/", server::serve);
        http.start();
        return server;
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/media/" + pathAndQuery);
    }

    /** Replaces the object, as an overwrite of the key would. */
    public void replace(byte[] newContent, String newEtag) {
        content = newContent;
        etag = newEtag;
    }

    public void forceStatus(int status) {
        forcedStatus = status;
    }

    /** Ends every body after this many bytes, though its headers promised the whole range. */
    public void cutBodiesAfter(int bytes) {
        cutBodiesAfter = bytes;
    }

    public void ignoreIfMatch() {
        honourIfMatch = false;
    }

    public List<String> ranges() {
        return ranges;
    }

    public List<String> ifMatches() {
        return ifMatches;
    }

    public Set<Integer> clientPorts() {
        return clientPorts;
    }

    /** Response body bytes the server managed to write (into the socket, not necessarily read). */
    public long bodyBytesSent() {
        return bodyBytesSent.get();
    }

    /** Responses whose body could not be written to the end: the client hung up mid-body. */
    public int bodiesCut() {
        return bodiesCut.get();
    }

    private void serve(HttpExchange exchange) throws IOException {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        String range = exchange.getRequestHeaders().getFirst("Range");
        String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
        ranges.add(range);
        ifMatches.add(String.valueOf(ifMatch));
        byte[] body = content;
        exchange.getResponseHeaders().add("ETag", etag);
        if (forcedStatus != 0) {
            exchange.sendResponseHeaders(forcedStatus, -1);
            exchange.close();
            return;
        }
        if (honourIfMatch && ifMatch != null && !ifMatch.equals(etag)) {
            exchange.sendResponseHeaders(412, -1);
            exchange.close();
            return;
        }
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m == null || !m.matches() || Long.parseLong(m.group(1)) >= body.length) {
            exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
            exchange.sendResponseHeaders(416, -1);
            exchange.close();
            return;
        }
        int first = Integer.parseInt(m.group(1));
        int last = (int) Math.min(Long.parseLong(m.group(2)), body.length - 1);
        exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
        exchange.sendResponseHeaders(206, last - first + 1);
        try (OutputStream out = exchange.getResponseBody()) {
            int stop = cutBodiesAfter < 0 ? last : Math.min(last, first + cutBodiesAfter - 1);
            for (int at = first; at <= stop; at += 8192) {
                int n = Math.min(8192, stop - at + 1);
                out.write(body, at, n);
                bodyBytesSent.addAndGet(n);
            }
            // A cut body reaches the client before the server gives up on the exchange.
            out.flush();
        } catch (IOException e) {
            bodiesCut.incrementAndGet();
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
