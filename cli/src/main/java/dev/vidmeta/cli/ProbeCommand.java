package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.probe.MediaInfoUnavailableException;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.ProbeResult;
import dev.vidmeta.probe.RangedReader;
import dev.vidmeta.probe.SourceException;
import dev.vidmeta.record.ProbeStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vidmeta probe <location>}: the technical metadata of one file, read by libmediainfo in-process. */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = "Reads a video's technical metadata with libmediainfo, fetching only the byte ranges"
                + " MediaInfo asks for, and prints the normalized record as JSON, with its status (OK, TRUNCATED,"
                + " NOT_MEDIA, ...) and, for every status but OK, the reason: bad inputs print JSON too.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the object is media (status OK)",
            "1:probe failure (libmediainfo missing, I/O error); nothing on stdout",
            "2:usage error; nothing on stdout",
            "3:not usable media: EMPTY, NOT_MEDIA, TRUNCATED, UNREADABLE or LIMIT_EXCEEDED",
            "4:the source failed: NOT_FOUND, ACCESS_DENIED or SOURCE_CHANGED"})
public final class ProbeCommand implements Callable<Integer> {

    static final int NOT_MEDIA = 3;
    static final int SOURCE_FAILED = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "LOCATION", description = "a local file, s3://bucket/key[?versionId=...] or https://...")
    String location;

    @Option(names = "--mediainfo", description = "print MediaInfo's own JSON report (as mediainfo --Output=JSON);"
            + " when MediaInfo never ran (empty, missing), the status object instead")
    boolean mediaInfo;

    @Option(names = "--stats", description = "print requests, bytes read and wall time to stderr as one JSON line")
    boolean stats;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProbeResult result;
        // Only a local file does I/O while opening, and its location is a path. Once a reader exists, errors
        // name it as it describes itself: the location may be a presigned URL, signature and all.
        String where = location;
        try {
            ProbeSource source = ProbeSource.open(location);
            where = source.reader().describe();
            try (RangedReader reader = source.reader()) {
                result = MediaProbe.create().probe(reader, source.fileName());
            }
        } catch (ProbeSource.UnsupportedLocationException e) {
            err.println("vidmeta probe: " + e.getMessage());
            return 2;
        } catch (SourceException e) {
            // Raised while opening, before the probe ran (a missing file, say).
            err.println("vidmeta probe: " + e.kind() + ": " + e.getMessage());
            if (e.kind() == SourceException.Kind.UNAVAILABLE) {
                return 1;
            }
            ProbeStatus status = switch (e.kind()) {
                case NOT_FOUND -> ProbeStatus.NOT_FOUND;
                case ACCESS_DENIED -> ProbeStatus.ACCESS_DENIED;
                case LIMIT_EXCEEDED -> ProbeStatus.LIMIT_EXCEEDED;
                default -> ProbeStatus.SOURCE_CHANGED;
            };
            print(out, statusObject(status, e.getMessage()));
            return exitCode(status);
        } catch (IOException e) {
            err.println("vidmeta probe: cannot read " + where + ": " + e.getMessage());
            return 1;
        } catch (MediaInfoUnavailableException e) {
            err.println("vidmeta probe: " + e.getMessage());
            return 1;
        }

        if (stats) {
            ObjectNode line = JSON.valueToTree(result.stats());
            line.put("status", result.status().name());
            err.println(line);
        }
        if (result.status() != ProbeStatus.OK) {
            err.println("vidmeta probe: " + result.status() + ": " + result.reason());
        }
        print(out, mediaInfo && result.mediaInfo() != null ? result.mediaInfo() : normalized(result));
        return exitCode(result.status());
    }

    /**
     * {@code {"status": ..., "reason": ..., "general": ..., "video": [...], ...}}: the status first, so that a
     * script probing a folder reads every file's outcome from stdout, then the normalized metadata when
     * MediaInfo read any (a truncated file's, say).
     */
    private static JsonNode normalized(ProbeResult result) {
        ObjectNode printed = statusObject(result.status(), result.reason());
        if (result.metadata() != null) {
            printed.setAll((ObjectNode) JSON.valueToTree(result.metadata()));
        }
        return printed;
    }

    private static ObjectNode statusObject(ProbeStatus status, String reason) {
        ObjectNode printed = JSON.createObjectNode();
        printed.put("status", status.name());
        if (reason != null) {
            printed.put("reason", reason);
        }
        return printed;
    }

    private static int exitCode(ProbeStatus status) {
        return switch (status) {
            case OK -> 0;
            case NOT_FOUND, ACCESS_DENIED, SOURCE_CHANGED -> SOURCE_FAILED;
            default -> NOT_MEDIA;
        };
    }

    private static void print(PrintWriter out, JsonNode json) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        out.flush();
    }
}
