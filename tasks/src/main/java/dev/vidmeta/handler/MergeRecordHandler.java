package dev.vidmeta.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vidmeta.aws.DynamoDbRecordStore;
import dev.vidmeta.aws.S3ObjectHeads;
import dev.vidmeta.aws.S3ResultStore;
import dev.vidmeta.record.MergeInput;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.RecordMerger;
import dev.vidmeta.record.RecordStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Called by the "Merge Record" state: writes the one DynamoDB record for the object, conditionally on the S3
 * sequencer so an older or duplicated event never replaces a newer record, under the object's real key
 * ({@link dev.vidmeta.record.ObjectKeyResolver}). Also called by "Mark Deleted" (input with a {@code deletion}),
 * which marks the record DELETED, and by "Record Failure".
 *
 * <p>Input sample ({@code events/merge-record-input.json}):
 * <pre>{@code
 * {"object": {"bucket": "uploads", "key": "clips/a.mp4", "versionId": "IYV3p45B...", "etag": "b1946ac9...",
 *   "size": 31457280, "sequencer": "617f08299329d189", "eventTime": "2026-11-21T05:12:45Z"},
 *  "probe": {"status": "OK", "technical": {...}, "mediainfo": "s3://results/..."},
 *  "analysis": {"status": "OK", "analyses": {"celebrities": {"status": "OK", "summary": {...}}}},
 *  "execution": {"id": "arn:aws:states:...:execution:vidmeta:4f1c...", "name": "4f1c...",
 *   "startTime": "2026-11-21T05:12:46.120Z"}}
 * }</pre>
 * Returns {@code {"status": "COMPLETE", "outcome": "WRITTEN", "reasons": [], "detailsUri": null}}.
 */
public final class MergeRecordHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MergeRecordHandler.class);

    private final RecordMerger merger;
    private final EmfMetrics metrics;
    private final Clock clock;

    public MergeRecordHandler() {
        this(TaskConfig.fromEnvironment(), S3Client.create(), DynamoDbClient.create());
    }

    public MergeRecordHandler(TaskConfig config, S3Client s3, DynamoDbClient dynamoDb) {
        var location = config.resultLocation();
        this.merger = new RecordMerger(new DynamoDbRecordStore(dynamoDb, config.recordTableName()),
                new S3ResultStore(s3, location.bucket()), location, new ObjectKeyResolver(new S3ObjectHeads(s3)));
        this.clock = Clock.systemUTC();
        this.metrics = new EmfMetrics(System.out, clock).dimension("Function", "MergeRecord");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        MergeInput in = Handlers.read(input, MergeInput.class);
        if (in.object() == null) {
            throw new IllegalArgumentException("merge input without an object reference");
        }
        RecordMerger.Merged merged = Handlers.run(context, () -> {
            Handlers.logContext(in.execution() == null ? null : in.execution().name(), in.object());
            RecordMerger.Merged m = merger.merge(in, clock.instant());
            LOG.info("record {} {} ({})", m.status(), m.outcome(), String.join("; ", m.reasons()));
            return m;
        });
        metrics.dimension("Status", merged.status())
                .put("RecordsWritten", merged.outcome() == RecordStore.Outcome.WRITTEN ? 1 : 0,
                        "Count")
                .flush();
        Handlers.write(output, merged);
    }
}
