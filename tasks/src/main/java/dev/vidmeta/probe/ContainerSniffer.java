package dev.vidmeta.probe;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Picks MediaInfo's ParseSpeed from an object's first bytes.
 *
 * <p>At its default ParseSpeed (0.5) MediaInfo reads about ten seconds of media data after the
 * headers, to refine what the headers already say. For ISO BMFF / QuickTime files (MP4, MOV, fragmented
 * MP4) and MPEG-TS, ParseSpeed 0 yields the same JSON as the CLI's default while reading a fraction of
 * the bytes: MediaProbeCliEqualityIT checks that on every fixture, against the CLI at its default.
 *
 * <p>Matroska and WebM must keep the default. File_Mk decides between constant and variable frame rate
 * from the first block timestamps it collects (up to 128 per track, {@code File_Mk::Streams_Finish}).
 * At ParseSpeed 0 it stops after 3 packets per track ({@code PacketCount>=3 && ParseSpeed==0}) and fills
 * after 3 frames per track. With B-frames, Matroska block timestamps come in decode order, so the few
 * sorted timestamps leave gaps (the B-frames between them are not read yet), the spreads differ by more
 * than 10 %, and the track is declared VFR: FrameRate is moved to FrameRate_Original and cleared, and
 * FrameCount (derived from it) disappears. {@code mediainfo --ParseSpeed=0} shows the same loss, so it
 * is the ParseSpeed, not the buffer API. Everything we do not recognize keeps the default too.
 */
final class ContainerSniffer {

    /** The CLI's default. */
    static final String DEFAULT_PARSE_SPEED = "0.5";
    /** Enough for the headers and the first frames of each track. */
    static final String HEADERS_ONLY = "0";

    /** Top-level box types an ISO BMFF or QuickTime file starts with. */
    private static final Set<String> FIRST_BOXES = Set.of(
            "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "styp", "sidx", "moof", "uuid");
    private static final int TS_PACKET = 188;

    private ContainerSniffer() {
    }

    /** The ParseSpeed for an object that starts with {@code head[0..length)}. */
    static String parseSpeed(byte[] head, int length) {
        return isIsoBmff(head, length) || isMpegTs(head, length) ? HEADERS_ONLY : DEFAULT_PARSE_SPEED;
    }

    static boolean isIsoBmff(byte[] head, int length) {
        return length >= 8 && FIRST_BOXES.contains(new String(head, 4, 4, StandardCharsets.ISO_8859_1));
    }

    /** Three sync bytes 188 bytes apart (plain TS; M2TS/BDAV's 192-byte packets keep the default). */
    static boolean isMpegTs(byte[] head, int length) {
        return length > 2 * TS_PACKET && head[0] == 0x47 && head[TS_PACKET] == 0x47 && head[2 * TS_PACKET] == 0x47;
    }
}
