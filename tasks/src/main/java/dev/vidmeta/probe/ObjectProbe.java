package dev.vidmeta.probe;

import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.record.ResultStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Probes one S3 object version: resolves its key, reads exactly the version the event announced through the
 * prefetching cache, runs MediaInfo and keeps MediaInfo's full report as {@code mediainfo.json} in the results
 * location.
 */
public final class ObjectProbe {

    /** Opens ranged reads of an object (adapter: {@code dev.vidmeta.aws.S3RangedReader}). */
    public interface Source {

        /** Reads this version only. */
        RangedReader version(String bucket, String key, String versionId);

        /** Reads the object only while its ETag is this one (an unversioned bucket). */
        RangedReader etag(String bucket, String key, String etag);

        /** Reads whatever the key holds. */
        RangedReader latest(String bucket, String key);
    }

    /**
     * What the probe found.
     *
     * @param notFound null, or why the event's key names no object (then {@code result} is null)
     * @param mediainfoUri where MediaInfo's report was kept, or null when there was none
     */
    public record Probed(ObjectRef object, String notFound, ProbeResult result, String mediainfoUri) {}

    private final ObjectKeyResolver keys;
    private final Source source;
    private final MediaProbe probe;
    private final ResultStore results;
    private final ResultLocation location;

    public ObjectProbe(
            ObjectKeyResolver keys, Source source, MediaProbe probe, ResultStore results, ResultLocation location) {
        this.keys = keys;
        this.source = source;
        this.probe = probe;
        this.results = results;
        this.location = location;
    }

    /**
     * @throws IOException when the source could not be read (worth a retry); a file MediaInfo cannot use is a
     *     result with its status, not an exception
     */
    public Probed probe(ObjectRef event) throws IOException {
        ObjectKeyResolver.Resolution key = keys.resolve(event);
        if (!key.matched()) {
            return new Probed(key.object(), key.reason(), null, null);
        }
        ObjectRef object = key.object();
        ProbeResult result;
        try (RangedReader reader = PrefetchingReader.wrap(open(object))) {
            result = probe.probe(reader, fileName(object.key()));
        }
        String mediainfoUri = null;
        if (result.mediaInfo() != null) {
            mediainfoUri = results.putJson(location.keyFor(object, "mediainfo.json"),
                    result.mediaInfo().toString().getBytes(StandardCharsets.UTF_8));
        }
        return new Probed(object, null, result, mediainfoUri);
    }

    /**
     * Reads exactly what the event announced, so a later overwrite cannot slip in: its version, or in an
     * unversioned bucket its ETag (the first response's ETag may already be the overwrite's).
     */
    private RangedReader open(ObjectRef object) {
        if (object.versioned()) {
            return source.version(object.bucket(), object.key(), object.versionId());
        }
        if (object.etag() != null && !object.etag().isEmpty()) {
            return source.etag(object.bucket(), object.key(), object.etag());
        }
        return source.latest(object.bucket(), object.key());
    }

    /** MediaInfo only uses the name for its report; the key's last segment is what a user recognises. */
    private static String fileName(String key) {
        int slash = key.lastIndexOf('/');
        return slash >= 0 && slash < key.length() - 1 ? key.substring(slash + 1) : key;
    }
}
