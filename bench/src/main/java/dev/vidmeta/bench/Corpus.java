package dev.vidmeta.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark corpus, made with ffmpeg into a cache directory and reused while it exists.
 *
 * <p>One 60 s clip is encoded (640x360 noise, so x264 really spends its 4 Mb/s, with AAC); the
 * other files are remuxes of it ({@code -c copy}), and the large ones loop it 60 times: about a
 * minute of work for 5.8 GB. The clip's 2 s GOP makes the 30 fragments of the small fragmented
 * file; the large one asks for at least 4 s per fragment, which gives 900.
 */
final class Corpus {

    /** One benchmark file. */
    record Entry(String name, String label, boolean large) {}

    static final List<Entry> ENTRIES = List.of(
            new Entry("mp4-moov-at-end.mp4", "MP4 H.264/AAC, moov at end", false),
            new Entry("mp4-large-moov-at-end.mp4", "MP4 large, moov at end", true),
            new Entry("mkv-h264-opus.mkv", "MKV H.264/Opus", false),
            new Entry("mpeg-ts.ts", "MPEG-TS", false),
            new Entry("mpeg-ts-large.ts", "MPEG-TS large", true),
            new Entry("mov-prores.mov", "MOV ProRes", false),
            new Entry("fmp4-30-fragments.mp4", "fragmented MP4, 30 fragments", false),
            new Entry("fmp4-900-fragments.mp4", "fragmented MP4, 900 fragments", true));

    private final Path dir;

    private Corpus(Path dir) {
        this.dir = dir;
    }

    /** Makes whatever is missing; skips the large files when {@code quick}. */
    static Corpus prepare(Path dir, boolean quick) throws IOException {
        Files.createDirectories(dir);
        Corpus corpus = new Corpus(dir);
        List<String> clip = List.of("-i", corpus.path("mp4-moov-at-end.mp4").toString());
        List<String> loop = List.of("-stream_loop", "59", "-i", corpus.path("mp4-moov-at-end.mp4").toString());
        corpus.make("mp4-moov-at-end.mp4", "mp4", List.of(
                "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25,noise=alls=30:allf=t",
                "-f", "lavfi", "-i", "sine=f=440:r=48000", "-t", "60",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-b:v", "4M", "-maxrate", "4M",
                "-bufsize", "8M", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2"));
        corpus.make("mkv-h264-opus.mkv", "matroska", concat(clip, List.of("-c:v", "copy", "-c:a", "libopus", "-b:a", "96k")));
        corpus.make("mpeg-ts.ts", "mpegts", concat(clip, List.of("-c", "copy")));
        corpus.make("mov-prores.mov", "mov", List.of(
                "-f", "lavfi", "-i", "testsrc2=s=640x360:r=25", "-f", "lavfi", "-i", "sine=f=440:r=48000",
                "-t", "27", "-c:v", "prores_ks", "-profile:v", "2", "-c:a", "pcm_s16le"));
        corpus.make("fmp4-30-fragments.mp4", "mp4",
                concat(clip, List.of("-c", "copy", "-movflags", "frag_keyframe+empty_moov")));
        if (!quick) {
            corpus.make("mp4-large-moov-at-end.mp4", "mp4", concat(loop, List.of("-c", "copy")));
            Path large = corpus.path("mp4-large-moov-at-end.mp4");
            corpus.make("mpeg-ts-large.ts", "mpegts", List.of("-i", large.toString(), "-c", "copy"));
            corpus.make("fmp4-900-fragments.mp4", "mp4", List.of("-i", large.toString(), "-c", "copy",
                    "-movflags", "frag_keyframe+empty_moov", "-min_frag_duration", "4000000"));
        }
        return corpus;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    List<Entry> entries(boolean quick) {
        return ENTRIES.stream().filter(e -> !(quick && e.large())).toList();
    }

    private void make(String name, String format, List<String> args) throws IOException {
        Path target = path(name);
        if (Files.exists(target)) {
            return;
        }
        Path partial = path(name + ".part");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(args);
        command.addAll(List.of("-f", format, partial.toString()));
        System.err.println("making " + target + " ...");
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("ffmpeg could not make " + name + ": " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making " + name, e);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
