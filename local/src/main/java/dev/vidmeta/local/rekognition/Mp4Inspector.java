package dev.vidmeta.local.rekognition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads what Rekognition Video checks and reports from an MP4/MOV file's {@code moov} box: container, video
 * codec, duration, frame size and frame rate. It reads box headers and the {@code moov} box only, through
 * ranged reads, so it works on large objects wherever {@code moov} sits.
 *
 * <p>This is deliberately not a media probe (the project's probe runs libmediainfo); it reproduces
 * Rekognition's own gate -- MP4 or MOV, H.264 -- and the {@code VideoMetadata} Rekognition returns.
 */
final class Mp4Inspector {

    /** Bytes from {@code offset}, at most {@code length}, fewer only at the end of the object. */
    @FunctionalInterface
    interface Ranges {
        byte[] read(long offset, int length);
    }

    /** What the file is; {@code codec} is null when the container is not MP4/MOV or has no video track. */
    record VideoFacts(boolean mp4OrMov, String codec, long durationMillis, int width, int height, double frameRate) {

        boolean h264() {
            return "h264".equals(codec);
        }
    }

    /** Rekognition reads the container, not a huge index; beyond this we call the file unsupported. */
    private static final long MAX_MOOV_BYTES = 64L * 1024 * 1024;

    private Mp4Inspector() {
    }

    static VideoFacts inspect(Ranges ranges, long size) {
        long offset = 0;
        boolean sawFtypOrQuickTime = false;
        while (offset + 8 <= size) {
            ByteBuffer header = ByteBuffer.wrap(ranges.read(offset, 16));
            if (header.remaining() < 8) {
                break;
            }
            long boxSize = Integer.toUnsignedLong(header.getInt());
            String type = fourCc(header);
            int headerLength = 8;
            if (boxSize == 1) {
                if (header.remaining() < 8) {
                    break;
                }
                boxSize = header.getLong();
                headerLength = 16;
            } else if (boxSize == 0) {
                boxSize = size - offset;
            }
            if (boxSize < headerLength || !type.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                break;
            }
            if (offset == 0 && (type.equals("ftyp") || QUICKTIME_TOP_LEVEL.contains(type))) {
                sawFtypOrQuickTime = true;
            }
            if (type.equals("moov") && sawFtypOrQuickTime) {
                if (boxSize > MAX_MOOV_BYTES) {
                    break;
                }
                byte[] moov = ranges.read(offset + headerLength, (int) (boxSize - headerLength));
                return readMoov(ByteBuffer.wrap(moov));
            }
            offset += boxSize;
        }
        return new VideoFacts(sawFtypOrQuickTime, null, 0, 0, 0, 0);
    }

    private static final Set<String> QUICKTIME_TOP_LEVEL =
            Set.of("moov", "mdat", "wide", "free", "skip", "pnot");

    private static VideoFacts readMoov(ByteBuffer moov) {
        long movieDurationMillis = 0;
        VideoFacts video = null;
        for (Box box = next(moov); box != null; box = next(moov)) {
            if (box.type().equals("mvhd")) {
                movieDurationMillis = durationMillis(box.payload());
            } else if (box.type().equals("trak") && video == null) {
                video = readVideoTrack(box.payload());
            }
        }
        if (video == null) {
            return new VideoFacts(true, null, movieDurationMillis, 0, 0, 0);
        }
        return new VideoFacts(true, video.codec(), movieDurationMillis > 0 ? movieDurationMillis : video.durationMillis(),
                video.width(), video.height(), video.frameRate());
    }

    /** A trak's facts when it is a video track, else null. */
    private static VideoFacts readVideoTrack(ByteBuffer trak) {
        int width = 0;
        int height = 0;
        ByteBuffer mdia = null;
        for (Box child = next(trak); child != null; child = next(trak)) {
            ByteBuffer box = child.payload();
            if (child.type().equals("tkhd")) {
                // width and height are the last two 16.16 fixed-point fields of tkhd
                width = box.getInt(box.limit() - 8) >>> 16;
                height = box.getInt(box.limit() - 4) >>> 16;
            } else if (child.type().equals("mdia")) {
                mdia = box;
            }
        }
        if (mdia == null) {
            return null;
        }
        long timescale = 0;
        long duration = 0;
        boolean isVideo = false;
        ByteBuffer minf = null;
        for (Box child = next(mdia); child != null; child = next(mdia)) {
            ByteBuffer box = child.payload();
            switch (child.type()) {
                case "mdhd" -> {
                    int version = box.get(box.position()) & 0xff;
                    timescale = Integer.toUnsignedLong(box.getInt(box.position() + (version == 1 ? 20 : 12)));
                    duration = version == 1 ? box.getLong(box.position() + 24)
                            : Integer.toUnsignedLong(box.getInt(box.position() + 16));
                }
                case "hdlr" -> isVideo = fourCcAt(box, box.position() + 8).equals("vide");
                case "minf" -> minf = box;
                default -> { }
            }
        }
        if (!isVideo || minf == null) {
            return null;
        }
        String codec = null;
        long samples = 0;
        ByteBuffer stbl = child(minf, "stbl");
        if (stbl != null) {
            for (Box child = next(stbl); child != null; child = next(stbl)) {
                ByteBuffer box = child.payload();
                if (child.type().equals("stsd") && box.remaining() >= 16) {
                    codec = codecName(fourCcAt(box, box.position() + 12));
                } else if (child.type().equals("stts") && box.remaining() >= 8) {
                    int entries = box.getInt(box.position() + 4);
                    for (int i = 0; i < entries && box.position() + 8 + i * 8 + 8 <= box.limit(); i++) {
                        samples += Integer.toUnsignedLong(box.getInt(box.position() + 8 + i * 8));
                    }
                }
            }
        }
        long millis = timescale == 0 ? 0 : duration * 1000 / timescale;
        double frameRate = duration == 0 ? 0 : samples * (double) timescale / duration;
        return new VideoFacts(true, codec, millis, width, height, frameRate);
    }

    private static String codecName(String sampleEntry) {
        return switch (sampleEntry) {
            case "avc1", "avc2", "avc3", "avc4" -> "h264";
            case "hvc1", "hev1" -> "hevc";
            case "mp4v" -> "mpeg4";
            case "av01" -> "av1";
            case "vp09" -> "vp9";
            default -> sampleEntry.trim();
        };
    }

    private static long durationMillis(ByteBuffer mvhd) {
        int version = mvhd.get(mvhd.position()) & 0xff;
        long timescale = Integer.toUnsignedLong(mvhd.getInt(mvhd.position() + (version == 1 ? 20 : 12)));
        long duration = version == 1 ? mvhd.getLong(mvhd.position() + 24)
                : Integer.toUnsignedLong(mvhd.getInt(mvhd.position() + 16));
        return timescale == 0 ? 0 : duration * 1000 / timescale;
    }

    private static ByteBuffer child(ByteBuffer parent, String wanted) {
        ByteBuffer copy = parent.duplicate();
        for (Box box = next(copy); box != null; box = next(copy)) {
            if (box.type().equals(wanted)) {
                return box.payload();
            }
        }
        return null;
    }

    /** One child box: its type and its payload. */
    private record Box(String type, ByteBuffer payload) { }

    /** The next child box of {@code parent} (advancing it), or null at the end. */
    private static Box next(ByteBuffer parent) {
        if (parent.remaining() < 8) {
            return null;
        }
        long size = Integer.toUnsignedLong(parent.getInt());
        String type = fourCc(parent);
        int header = 8;
        if (size == 1) {
            if (parent.remaining() < 8) {
                return null;
            }
            size = parent.getLong();
            header = 16;
        } else if (size == 0) {
            size = parent.remaining() + 8L;
        }
        long payload = size - header;
        if (payload < 0 || payload > parent.remaining()) {
            return null;
        }
        ByteBuffer box = parent.slice(parent.position(), (int) payload);
        parent.position(parent.position() + (int) payload);
        return new Box(type, box);
    }

    private static String fourCc(ByteBuffer buffer) {
        byte[] b = new byte[4];
        buffer.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String fourCcAt(ByteBuffer buffer, int index) {
        if (index + 4 > buffer.limit()) {
            return "";
        }
        byte[] b = new byte[4];
        buffer.get(index, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
