package dev.vidmeta.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.aws.S3ObjectHeads;
import dev.vidmeta.aws.S3RangedReader;
import dev.vidmeta.aws.S3ResultStore;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.ObjectProbe;
import dev.vidmeta.probe.ProbeResult;
import dev.vidmeta.probe.ProbeStats;
import dev.vidmeta.probe.TechnicalSummary;
import dev.vidmeta.record.JsonSize;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ProbeStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Called by the "Probe Media" state: reads the object version with bounded ranged GETs, runs MediaInfo on the
 * bytes, keeps MediaInfo's full JSON in the results location and returns the normalized technical metadata.
 *
 * <p>Input sample:
 * <pre>{@code
 * {"executionName": "4f1c...", "object": {"bucket": "uploads", "key": "clips/a.mp4",
 *  "versionId": "IYV3p45B...", "etag": "b1946ac9...", "size": 31457280, "sequencer": "617f08299329d189"}}
 * }</pre>
 * Output: {@code {"status": "OK", "technical": {...}, "mediainfo": "s3://results/.../mediainfo.json",
 * "stats": {"requests": 2, "bytesRead": 1310720, "wallMillis": 84}}}; for a file MediaInfo cannot use, the
 * probe's status (NOT_MEDIA, TRUNCATED, UNREADABLE, SOURCE_CHANGED, ACCESS_DENIED, ...) and a {@code reason}. Only a
 * transient source failure is thrown ({@link TransientTaskException}), for the state machine to retry. The key
 * is resolved first ({@link ObjectKeyResolver}: the event's key decoded, or as sent); a key that names the
 * object neither way gives NOT_FOUND with the reason.
 */
public final class ProbeMediaHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeMediaHandler.class);

    private final ObjectProbe probe;
    private final EmfMetrics metrics;

    public ProbeMediaHandler() {
        this(TaskConfig.fromEnvironment(), S3RangedReader.clientBuilder().build(), MediaProbe.create());
    }

    /** The local runtime's: the same wiring as on AWS, with its clients. */
    public static ProbeMediaHandler wired(TaskConfig config, S3Client s3, MediaProbe probe) {
        return new ProbeMediaHandler(config, s3, probe);
    }

    private ProbeMediaHandler(TaskConfig config, S3Client s3, MediaProbe probe) {
        this(new ObjectProbe(new ObjectKeyResolver(new S3ObjectHeads(s3)), S3RangedReader.source(s3), probe,
                new S3ResultStore(s3, config.resultLocation().bucket()), config.resultLocation()),
                Wiring.metrics(Clock.systemUTC()));
    }

    /** @param metrics where the EMF lines go; the handler adds its {@code Function} dimension */
    public ProbeMediaHandler(ObjectProbe probe, EmfMetrics metrics) {
        this.probe = probe;
        this.metrics = metrics.dimension("Function", "ProbeMedia");
    }

    /** The state's payload. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(String executionName, ObjectRef object) {}

    /**
     * The branch's status object, as "Merge Record" reads it. Its size is bounded by construction (the reason
     * capped, the technical summary within {@link TechnicalSummary#BUDGET_BYTES}): see {@link #of}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(ProbeStatus status, String reason, ObjectNode technical, String mediainfo, ProbeStats stats) {

        /** The output for a probe result whose MediaInfo report is kept at {@code mediainfoUri} (or null). */
        public static Output of(ProbeResult result, String mediainfoUri) {
            return new Output(result.status(), JsonSize.cap(result.reason(), JsonSize.MAX_REASON_CODE_POINTS),
                    result.metadata() == null ? null : TechnicalSummary.of(result.metadata()), mediainfoUri,
                    result.stats());
        }
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Input in = Handlers.read(input, Input.class);
        if (in.object() == null) {
            throw new IllegalArgumentException("input needs the object reference");
        }
        Output out = Handlers.run(context, () -> {
            Handlers.logContext(in.executionName(), in.object());
            return probe(in.object());
        });
        Handlers.write(output, out);
    }

    /**
     * What stays here is what every handler does around its domain call (see MergeRecordHandler and
     * SnsCallbackHandler): the error name the state machine retries, the EMF line and the log line. The probe
     * itself, from the key to the kept report, is {@link ObjectProbe}'s.
     */
    private Output probe(ObjectRef event) {
        ObjectProbe.Probed probed;
        try {
            probed = probe.probe(event);
        } catch (IOException e) {
            throw new TransientTaskException("reading " + event.uri() + " failed: " + e.getMessage(), e);
        }
        if (probed.notFound() != null) {
            LOG.info("probe NOT_FOUND ({})", probed.notFound());
            return new Output(ProbeStatus.NOT_FOUND, probed.notFound(), null, null, null);
        }
        ProbeResult result = probed.result();
        ProbeStats stats = result.stats();
        if (stats != null) {
            metrics.put("ProbeRequests", stats.requests(), "Count")
                    .put("ProbeBytes", stats.bytesRead(), "Bytes")
                    .put("ProbeMillis", stats.wallMillis(), "Milliseconds")
                    .flush();
        }
        LOG.info("probe {} ({}); {} requests, {} bytes, {} ms", result.status(),
                result.reason() == null ? "" : result.reason(), stats == null ? 0 : stats.requests(),
                stats == null ? 0 : stats.bytesRead(), stats == null ? 0 : stats.wallMillis());
        return Output.of(result, probed.mediainfoUri());
    }
}
