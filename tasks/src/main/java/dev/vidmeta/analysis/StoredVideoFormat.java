package dev.vidmeta.analysis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides from an object's first bytes whether Rekognition Video can read it, before a job takes one of the
 * account's 20 concurrent-job places.
 *
 * <p>What AWS documents: "The video must be encoded using the H.264 codec. The supported file formats are
 * MPEG-4 and MOV." (Amazon Rekognition FAQ, "What video formats does Amazon Rekognition support?",
 * https://aws.amazon.com/rekognition/faqs/, and "Working with stored video analysis operations",
 * https://docs.aws.amazon.com/rekognition/latest/dg/video.html). The API reference's {@code Video} type says
 * instead "The supported file formats are .mp4, .mov and .avi"
 * (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_Video.html).
 *
 * <p>So that the check is right under either reading, it skips only what no document admits:
 * <ul>
 *   <li>a file that is neither an ISO BMFF/QuickTime box structure (MP4, MOV) nor RIFF AVI: Matroska and WebM,
 *       MPEG-TS, MPEG-PS, MXF, FLV, Ogg, ASF, anything unrecognized;</li>
 *   <li>an MP4/MOV whose {@code moov} lies within the bytes read and lists no H.264 video track (HEVC, ProRes,
 *       MPEG-4 Part 2, or audio only).</li>
 * </ul>
 * Everything else starts the jobs: AVI (one document admits it), and an MP4/MOV whose {@code moov} is not in the
 * first bytes (written at the end, or larger than the read), whose codec cannot be known from one small read.
 * If Rekognition then cannot decode it, its job FAILED status is recorded as the analysis' outcome
 * ({@link JobState#unsupportedMedia()}).
 */
public final class StoredVideoFormat {

    /** How much of the object is read: ftyp plus, for a faststart file of a few minutes, its whole moov. */
    public static final int HEAD_BYTES = 64 * 1024;

    /** Box types that can open an ISO BMFF (MP4) or QuickTime (MOV) file. */
    private static final Set<String> LEADING_BOXES =
            Set.of("ftyp", "styp", "moov", "mdat", "free", "skip", "wide", "pnot", "sidx", "moof", "uuid");
    /** H.264 sample entries (ISO/IEC 14496-15): avc1/avc3 and their parameter-set variants. */
    private static final Set<String> H264 = Set.of("avc1", "avc2", "avc3", "avc4");

    private StoredVideoFormat() {}

    /**
     * @param skip true when Rekognition Video cannot read the object: start no job
     * @param reason why, in words (for a skip, the analysis' reason in the record)
     */
    public record Verdict(boolean skip, String reason) {

        static Verdict skip(String reason) {
            return new Verdict(true, reason);
        }

        static Verdict start(String reason) {
            return new Verdict(false, reason);
        }
    }

    public static Verdict check(byte[] head) {
        if (head.length >= 8 && LEADING_BOXES.contains(fourCc(head, 4))) {
            return checkIsoBmff(head);
        }
        if (head.length >= 12 && fourCc(head, 0).equals("RIFF") && fourCc(head, 8).equals("AVI ")) {
            return Verdict.start("AVI: the API reference lists .avi among Rekognition Video's formats");
        }
        return Verdict.skip("the object is " + otherContainer(head) + "; Rekognition Video reads MPEG-4 and MOV"
                + " files encoded with H.264 only");
    }

    private static Verdict checkIsoBmff(byte[] head) {
        int pos = 0;
        while (pos + 8 <= head.length) {
            long size = u32(head, pos);
            String type = fourCc(head, pos + 4);
            int header = 8;
            if (size == 1) {
                if (pos + 16 > head.length) {
                    break;
                }
                size = u64(head, pos + 8);
                header = 16;
            } else if (size == 0) {
                break; // "to the end of the file": where that is, the first bytes do not say
            }
            if (size < header) {
                break;
            }
            if (type.equals("moov")) {
                if (pos + size > head.length) {
                    break;
                }
                return checkMoov(head, pos + header, (int) (pos + size));
            }
            if (pos + size > head.length) {
                break;
            }
            pos += (int) size;
        }
        return Verdict.start("MPEG-4/MOV whose moov is not within the first " + HEAD_BYTES
                + " bytes: its codec is left to Rekognition");
    }

    private static Verdict checkMoov(byte[] b, int from, int to) {
        List<String> videoCodecs = new ArrayList<>();
        for (int[] trak : children(b, from, to, "trak")) {
            int[] mdia = first(children(b, trak[0], trak[1], "mdia"));
            if (mdia == null) {
                continue;
            }
            int[] hdlr = first(children(b, mdia[0], mdia[1], "hdlr"));
            // hdlr: version/flags (4), pre_defined (4), handler_type (4)
            if (hdlr == null || hdlr[1] - hdlr[0] < 12 || !fourCc(b, hdlr[0] + 8).equals("vide")) {
                continue;
            }
            int[] minf = first(children(b, mdia[0], mdia[1], "minf"));
            int[] stbl = minf == null ? null : first(children(b, minf[0], minf[1], "stbl"));
            int[] stsd = stbl == null ? null : first(children(b, stbl[0], stbl[1], "stsd"));
            // stsd: version/flags (4), entry_count (4), then the first sample entry's size (4) and type (4)
            if (stsd == null || stsd[1] - stsd[0] < 16) {
                videoCodecs.add("an unreadable sample description");
                continue;
            }
            videoCodecs.add(fourCc(b, stsd[0] + 12));
        }
        if (videoCodecs.stream().anyMatch(H264::contains)) {
            return Verdict.start("MPEG-4/MOV with H.264 video");
        }
        if (videoCodecs.isEmpty()) {
            return Verdict.skip("the MPEG-4/MOV file has no video track; Rekognition Video analyses H.264 video");
        }
        return Verdict.skip("the MPEG-4/MOV file's video is " + String.join(", ", videoCodecs)
                + ", not H.264 (avc1/avc3), the only codec Rekognition Video reads");
    }

    /** The payload ranges {@code [start, end)} of the child boxes of this type within {@code [from, to)}. */
    private static List<int[]> children(byte[] b, int from, int to, String wanted) {
        List<int[]> found = new ArrayList<>();
        int pos = from;
        while (pos + 8 <= to) {
            long size = u32(b, pos);
            int header = 8;
            if (size == 1) {
                if (pos + 16 > to) {
                    break;
                }
                size = u64(b, pos + 8);
                header = 16;
            } else if (size == 0) {
                size = to - pos;
            }
            if (size < header || pos + size > to) {
                break;
            }
            if (fourCc(b, pos + 4).equals(wanted)) {
                found.add(new int[] {pos + header, (int) (pos + size)});
            }
            pos += (int) size;
        }
        return found;
    }

    private static int[] first(List<int[]> boxes) {
        return boxes.isEmpty() ? null : boxes.get(0);
    }

    /** A name for the container, from its magic bytes, for the skip reason. */
    private static String otherContainer(byte[] b) {
        if (startsWith(b, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "Matroska/WebM";
        }
        if (b.length >= 189 && b[0] == 0x47 && b[188] == 0x47) {
            return "MPEG-TS";
        }
        if (b.length >= 197 && b[4] == 0x47 && b[196] == 0x47) {
            return "MPEG-TS (M2TS)";
        }
        if (startsWith(b, 0x00, 0x00, 0x01, 0xBA)) {
            return "MPEG-PS";
        }
        if (startsWith(b, 0x00, 0x00, 0x01, 0xB3)) {
            return "an MPEG video elementary stream";
        }
        if (startsWith(b, 0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01)) {
            return "MXF";
        }
        if (startsWith(b, 'F', 'L', 'V')) {
            return "Flash Video";
        }
        if (startsWith(b, 'O', 'g', 'g', 'S')) {
            return "Ogg";
        }
        if (startsWith(b, 0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11)) {
            return "ASF (WMV)";
        }
        if (b.length >= 12 && fourCc(b, 0).equals("RIFF")) {
            return "RIFF " + fourCc(b, 8).trim();
        }
        return b.length < 8 ? "only " + b.length + " bytes long" : "in a format that is not MPEG-4 or MOV";
    }

    private static boolean startsWith(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String fourCc(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static long u32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }

    private static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }
}
