package dev.vidmeta.cli;

import dev.vidmeta.local.events.ObjectCreatedEvent;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.SfnException;

/**
 * {@code vidmeta backfill s3://bucket/prefix}: starts the pipeline for objects stored before it was deployed.
 *
 * <p>Each object gets the EventBridge "Object Created" event S3 would have sent ({@link ObjectCreatedEvent}), for
 * its current version (HeadObject gives the version id of a versioned bucket), except what only S3 knows: the
 * {@code sequencer} is omitted, so the record sorts it before any real event's and a backfill never replaces a
 * record written from a real upload; {@code source-ip-address} is omitted; {@code reason} is
 * CompleteMultipartUpload for a multipart ETag ({@code <md5>-<parts>}), else PutObject. Everything else in the
 * event, and the execution name, derive from bucket, key, version and ETag, so a second run finds every
 * execution already there and starts nothing (and StartExecution itself treats the same name and input as one
 * execution while it runs).
 */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = "Starts an execution for each object already stored under an S3 prefix, with a synthesized"
                + " Object Created event and a deterministic name: a second run starts nothing new.")
public final class BackfillCommand implements Callable<Integer> {

    static final int MAX_NAME = 80;

    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Parameters(paramLabel = "S3_URI", description = "s3://bucket or s3://bucket/prefix")
    String location;

    @Option(names = "--suffix", split = ",", paramLabel = "SUFFIX",
            description = "only keys ending in one of these, case-insensitive (e.g. .mp4,.mov)")
    List<String> suffixes;

    @Option(names = "--rate", paramLabel = "N/s", converter = RateConverter.class, defaultValue = "25/s",
            description = "at most this many StartExecution calls per second (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--dry-run", description = "count what would be started, start nothing")
    boolean dryRun;

    enum Result { STARTED, ALREADY_STARTED, WOULD_START, FAILED }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!location.startsWith("s3://") || location.length() == 5 || location.charAt(5) == '/') {
            err.println("vidmeta backfill: expected s3://bucket[/prefix], got " + location);
            err.flush();
            return 2;
        }
        String rest = location.substring(5);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        try (DeploymentOptions closing = deployment) {
            String machine = deployment.stateMachineArn();
            String[] arn = machine.split(":");
            String region = arn[3];
            String account = arn[4];
            S3Client s3 = deployment.s3();
            SfnClient sfn = deployment.sfn();
            boolean versioned = s3.getBucketVersioning(b -> b.bucket(bucket)).status() == BucketVersioningStatus.ENABLED;
            List<S3Object> objects = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                if (matches(object.key())) {
                    objects.add(object);
                }
            }
            err.println("vidmeta backfill: " + objects.size() + " objects under " + location
                    + (suffixes == null ? "" : " ending in " + String.join(",", suffixes)));
            err.flush();
            Terminal.Progress progress = new Terminal.Progress(err, Terminal.interactive(), objects.size());
            Map<Result, Integer> counts = new EnumMap<>(Result.class);
            long periodNanos = (long) (1e9 / rate);
            long nextStart = System.nanoTime();
            for (S3Object object : objects) {
                Result result;
                try {
                    String versionId = null;
                    String etag = unquote(object.eTag());
                    long size = object.size();
                    Instant time = object.lastModified();
                    if (versioned) {
                        // The listing names no version; the event is for the current one, as S3 would send it.
                        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(object.key()));
                        versionId = "null".equals(head.versionId()) ? null : head.versionId();
                        etag = unquote(head.eTag());
                        size = head.contentLength();
                        time = head.lastModified();
                    }
                    String name = executionName(bucket, object.key(), versionId, etag);
                    String executionArn = machine.replace(":stateMachine:", ":execution:") + ":" + name;
                    if (exists(sfn, executionArn)) {
                        result = Result.ALREADY_STARTED;
                    } else if (dryRun) {
                        result = Result.WOULD_START;
                    } else {
                        long wait = nextStart - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        nextStart = Math.max(nextStart, System.nanoTime()) + periodNanos;
                        String hash = identity(bucket, object.key(), versionId, etag);
                        String input = new ObjectCreatedEvent(
                                UUID.nameUUIDFromBytes(hash.getBytes(StandardCharsets.UTF_8)).toString(), account,
                                region, time, bucket, object.key(), size, etag, versionId, null,
                                hash.substring(0, 16).toUpperCase(Locale.ROOT), account, null,
                                etag.contains("-") ? "CompleteMultipartUpload" : "PutObject").toJson();
                        result = start(sfn, machine, name, input);
                    }
                } catch (SfnException | S3Exception e) {
                    err.println("\nvidmeta backfill: s3://" + bucket + "/" + object.key() + ": "
                            + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()));
                    result = Result.FAILED;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    out.println("interrupted: " + Terminal.Progress.summary(counts));
                    out.flush();
                    return WatchCommand.INTERRUPTED;
                }
                counts.merge(result, 1, Integer::sum);
                progress.step(Terminal.Progress.summary(counts));
            }
            out.println((dryRun ? "dry run: " : "") + (counts.isEmpty() ? "nothing to start" : Terminal.Progress.summary(counts)));
            out.flush();
            return counts.containsKey(Result.FAILED) ? 1 : 0;
        }
    }

    private boolean matches(String key) {
        if (suffixes == null || suffixes.isEmpty()) {
            return true;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return suffixes.stream().anyMatch(s -> lower.endsWith(s.toLowerCase(Locale.ROOT)));
    }

    private static boolean exists(SfnClient sfn, String executionArn) {
        try {
            sfn.describeExecution(b -> b.executionArn(executionArn));
            return true;
        } catch (ExecutionDoesNotExistException e) {
            return false;
        }
    }

    private static Result start(SfnClient sfn, String machine, String name, String input) {
        try {
            sfn.startExecution(b -> b.stateMachineArn(machine).name(name).input(input));
            return Result.STARTED;
        } catch (ExecutionAlreadyExistsException e) {
            return Result.ALREADY_STARTED;
        }
    }


    /** SHA-256 of bucket, key, version and ETag, NUL-separated. */
    static String identity(String bucket, String key, String versionId, String etag) {
        return ExecutionReplayer.sha256(bucket + '\0' + key + '\0' + (versionId == null ? "" : versionId) + '\0' + etag);
    }

    /**
     * {@code backfill-<32 hex of the identity hash>-<file name>}: unique by the hash, readable by the name, at
     * most 80 characters of {@code [A-Za-z0-9_-]} (what Step Functions allows and CloudWatch logging accepts).
     */
    static String executionName(String bucket, String key, String versionId, String etag) {
        String hash = identity(bucket, key, versionId, etag).substring(0, 32);
        String file = key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_-]", "_");
        String name = "backfill-" + hash + (file.isEmpty() ? "" : "-" + file);
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
    }

    private static String unquote(String etag) {
        return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1) : etag;
    }

    /** {@code 10/s} or {@code 10}: calls per second, more than zero. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String number = value.endsWith("/s") ? value.substring(0, value.length() - 2) : value;
            try {
                double rate = Double.parseDouble(number);
                if (rate > 0 && Double.isFinite(rate)) {
                    return rate;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a rate like 10/s");
        }
    }
}
