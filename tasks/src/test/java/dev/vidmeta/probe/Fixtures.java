package dev.vidmeta.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Test media, made with ffmpeg on first use and cached (by default under {@code target/fixtures} of
 * the module that runs the tests). Small on purpose: 1-3 s, 320x240, fastest presets
 * (the GOP files run 10 s, at 160x90).
 *
 * <p>Self-contained (JDK + ffmpeg only) so that other modules can reuse it. Files are written to a
 * temporary name and moved into place, so concurrent test JVMs never see half a file.
 */
public final class Fixtures {

    /** A file the tests need, and whether MediaInfo should see media in it. */
    public enum Fixture {
        MP4_MOOV_AT_END("moov-at-end.mp4", true),
        MP4_FASTSTART("faststart.mp4", true),
        MP4_FRAGMENTED("fragmented.mp4", true),
        /** The same fragments, indexed by sidx boxes after the moov instead of only the mfra at the end. */
        MP4_FRAGMENTED_SIDX("fragmented-sidx.mp4", true),
        MOV_PRORES("prores.mov", true),
        /** H.264 with B-frames + Opus: the file on which ParseSpeed 0 loses FrameRate (see MediaProbe). */
        MKV_H264_OPUS("h264-opus.mkv", true),
        MKV_SUBTITLES("subtitles.mkv", true),
        WEBM_VP9_OPUS("vp9-opus.webm", true),
        MPEG_TS("h264-aac.ts", true),
        /**
         * 10 s with a keyframe every 50 frames: long enough (5 GOPs) for MediaInfo's GOP detection, which
         * only runs from ParseSpeed 0.3 up, to report {@code Format_Settings_GOP}.
         */
        MP4_GOP_50("gop-50.mp4", true),
        /** The same stream in MPEG-TS. */
        MPEG_TS_GOP_50("gop-50.ts", true),
        MP4_HEVC_HDR10("hevc-hdr10.mp4", true),
        /** MPEG-4 Part 2 video in MP4: a container Rekognition takes, a codec it does not. */
        MP4_MPEG4_PART2("mpeg4-part2.mp4", true),
        AUDIO_ONLY("audio-only.m4a", true),
        IMAGE_PNG("image.png", true),
        EMPTY("empty.mp4", false),
        RANDOM_BYTES("random.bin", false),
        PDF("document.pdf", false),
        MP4_TRUNCATED("truncated.mp4", false),
        /** A moov-at-end file whose last 300 bytes (the end of its moov) are cut off. */
        MP4_MOOV_CUT("moov-cut.mp4", false),
        /** A faststart file cut at 60 %: the moov is whole, the mdat it indexes is not. */
        MP4_MDAT_CUT("mdat-cut.mp4", false),
        MP4_ABSURD_BOX_SIZES("absurd-boxes.mp4", false);

        private final String fileName;
        private final boolean media;

        Fixture(String fileName, boolean media) {
            this.fileName = fileName;
            this.media = media;
        }

        public String fileName() {
            return fileName;
        }

        /** True for the files that hold real audio/video; false for the bad inputs. */
        public boolean isMedia() {
            return media;
        }
    }

    private static final String[] QUIET = {"-hide_banner", "-nostdin", "-loglevel", "error", "-y"};
    private static final String[] VIDEO = {"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25"};
    private static final String[] TONE = {"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"};
    private static final String[] H264 = {"-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"};
    private static final String[] AAC = {"-c:a", "aac", "-b:a", "64k"};

    private final Path directory;

    private Fixtures(Path directory) {
        this.directory = directory;
    }

    /** Fixtures under {@code target/fixtures} of the current module. */
    public static Fixtures inTarget() {
        return in(Path.of("target", "fixtures"));
    }

    public static Fixtures in(Path directory) {
        return new Fixtures(directory.toAbsolutePath());
    }

    /** The fixture's file, generated now unless a previous run left it. */
    public synchronized Path path(Fixture fixture) {
        Path target = directory.resolve(fixture.fileName());
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, "partial-", "-" + fixture.fileName());
            try {
                generate(fixture, temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make fixture " + fixture, e);
        }
    }

    private void generate(Fixture fixture, Path out) throws IOException {
        switch (fixture) {
            case MP4_MOOV_AT_END -> ffmpeg(out, "mp4", args(VIDEO, TONE, "-t", "2", H264, AAC,
                    "-metadata", "creation_time=2024-05-01T10:00:00Z", "-metadata", "title=vidmeta fixture"));
            case MP4_FASTSTART -> ffmpeg(out, "mp4", args(VIDEO, TONE, "-t", "2", H264, AAC,
                    "-movflags", "+faststart"));
            case MP4_FRAGMENTED -> ffmpeg(out, "mp4", args(VIDEO, TONE, "-t", "3", H264, "-g", "25", AAC,
                    "-movflags", "+frag_keyframe+empty_moov+default_base_moof"));
            case MP4_FRAGMENTED_SIDX -> ffmpeg(out, "mp4", args(VIDEO, TONE, "-t", "3", H264, "-g", "25", AAC,
                    "-movflags", "+frag_keyframe+empty_moov+default_base_moof+global_sidx"));
            case MOV_PRORES -> ffmpeg(out, "mov", args(VIDEO, TONE, "-t", "1", "-c:v", "prores_ks", "-profile:v",
                    "0", "-c:a", "pcm_s16le"));
            case MKV_H264_OPUS -> ffmpeg(out, "matroska", args(VIDEO, TONE, "-t", "2", H264, "-c:a", "libopus",
                    "-b:a", "32k", "-metadata", "title=vidmeta fixture", "-metadata:s:a:0", "language=fra",
                    "-metadata:s:a:0", "title=Tone"));
            case MKV_SUBTITLES -> {
                Path subtitles = Files.createTempFile(directory, "subtitles-", ".srt");
                try {
                    Files.writeString(subtitles, "1\n00:00:00,200 --> 00:00:00,800\nHello\n\n");
                    ffmpeg(out, "matroska", args(VIDEO, "-i", subtitles.toString(), "-t", "1", "-map", "0:v",
                            "-map", "1:s", H264, "-c:s", "srt", "-metadata:s:s:0", "language=eng",
                            "-disposition:s:0", "forced"));
                } finally {
                    Files.deleteIfExists(subtitles);
                }
            }
            case WEBM_VP9_OPUS -> ffmpeg(out, "webm", args(VIDEO, TONE, "-t", "2", "-c:v", "libvpx-vp9",
                    "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k", "-c:a", "libopus", "-b:a", "32k"));
            case MPEG_TS -> ffmpeg(out, "mpegts", args(VIDEO, TONE, "-t", "2", H264, AAC));
            case MP4_GOP_50 -> ffmpeg(out, "mp4", args("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", TONE,
                    "-t", "10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", AAC));
            case MPEG_TS_GOP_50 -> ffmpeg(out, "mpegts", args("-i", path(Fixture.MP4_GOP_50).toString(), "-c", "copy"));
            case MP4_HEVC_HDR10 -> ffmpeg(out, "mp4", args(VIDEO, TONE, "-t", "1", "-c:v", "libx265", "-preset",
                    "ultrafast", "-pix_fmt", "yuv420p10le", "-tag:v", "hvc1", "-x265-params",
                    "log-level=error:hdr10=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc"
                            + ":master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)"
                            + "L(10000000,1):max-cll=1000,400",
                    AAC));
            case MP4_MPEG4_PART2 -> ffmpeg(out, "mp4", args(VIDEO, TONE, "-t", "2", "-c:v", "mpeg4", AAC));
            case AUDIO_ONLY -> ffmpeg(out, "ipod", args(TONE, "-t", "2", AAC));
            case IMAGE_PNG -> ffmpeg(out, "image2", args("-f", "lavfi", "-i", "testsrc2=size=64x48",
                    "-frames:v", "1", "-c:v", "png"));
            case EMPTY -> Files.write(out, new byte[0]);
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[256 * 1024];
                new Random(20240501L).nextBytes(bytes);
                Files.write(out, bytes);
            }
            case PDF -> Files.write(out, minimalPdf());
            case MP4_TRUNCATED -> {
                // An upload cut short: the first 60 % of a file whose moov sits at the end.
                byte[] whole = Files.readAllBytes(path(Fixture.MP4_MOOV_AT_END));
                Files.write(out, Arrays.copyOf(whole, whole.length * 6 / 10));
            }
            case MP4_MOOV_CUT -> {
                byte[] whole = Files.readAllBytes(path(Fixture.MP4_MOOV_AT_END));
                Files.write(out, Arrays.copyOf(whole, whole.length - 300));
            }
            case MP4_MDAT_CUT -> {
                byte[] whole = Files.readAllBytes(path(Fixture.MP4_FASTSTART));
                Files.write(out, Arrays.copyOf(whole, whole.length * 6 / 10));
            }
            case MP4_ABSURD_BOX_SIZES -> {
                // A faststart file whose moov claims to be 4 GiB and whose next box claims 2^62 bytes.
                byte[] bytes = Files.readAllBytes(path(Fixture.MP4_FASTSTART));
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                int moov = topLevelBox(bytes, "moov");
                int moovSize = buffer.getInt(moov);
                buffer.putInt(moov, 0xFFFFFFF0);
                int next = moov + moovSize;
                buffer.putInt(next, 1);
                byte[] withLargeSize = new byte[bytes.length + 8];
                System.arraycopy(bytes, 0, withLargeSize, 0, next + 8);
                ByteBuffer.wrap(withLargeSize).putLong(next + 8, 1L << 62);
                System.arraycopy(bytes, next + 8, withLargeSize, next + 16, bytes.length - next - 8);
                Files.write(out, withLargeSize);
            }
        }
    }

    /** Offset of a top-level ISO BMFF box in a file (32-bit sizes only: our own small files). */
    public static int topLevelBoxOffset(Path file, String type) throws IOException {
        return topLevelBox(Files.readAllBytes(file), type);
    }

    /** Offset of a top-level ISO BMFF box with the given type (32-bit sizes only: our own small files). */
    static int topLevelBox(byte[] bytes, String type) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int offset = 0;
        while (offset + 8 <= bytes.length) {
            int size = buffer.getInt(offset);
            String name = new String(bytes, offset + 4, 4, StandardCharsets.US_ASCII);
            if (name.equals(type)) {
                return offset;
            }
            if (size < 8) {
                break;
            }
            offset += size;
        }
        throw new IllegalStateException("no top-level " + type + " box");
    }

    /** A one-page PDF with a text line, written by hand: header, objects, xref table with exact offsets. */
    static byte[] minimalPdf() {
        List<String> objects = List.of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R"
                        + " /Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length 44 >>\nstream\nBT /F1 12 Tf 20 50 Td (vidmeta test) Tj ET\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(pdf.length());
            pdf.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
        for (int offset : offsets) {
            pdf.append(String.format("%010d 00000 n \n", offset));
        }
        pdf.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref).append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> args(Object... parts) {
        List<String> all = new ArrayList<>();
        for (Object part : parts) {
            if (part instanceof String[] many) {
                all.addAll(List.of(many));
            } else {
                all.add((String) part);
            }
        }
        return all;
    }

    private static void ffmpeg(Path out, String format, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("ffmpeg");
        command.addAll(List.of(QUIET));
        command.addAll(args);
        command.addAll(List.of("-f", format, out.toString()));
        Path log = Files.createTempFile(out.getParent(), "ffmpeg-", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = process.waitFor(120, TimeUnit.SECONDS);
            String output = Files.readString(log);
            if (!done) {
                process.destroyForcibly();
                throw new IOException("ffmpeg did not finish in 120 s: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IOException("ffmpeg failed (" + process.exitValue() + "): " + String.join(" ", command)
                        + "\n" + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running ffmpeg", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
