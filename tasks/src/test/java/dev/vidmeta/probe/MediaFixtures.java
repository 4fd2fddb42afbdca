package dev.vidmeta.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small media files made with ffmpeg on first use and cached under target/, for reader tests. */
final class MediaFixtures {

    private static final Path DIR = Path.of("target", "reader-fixtures");

    /** 10 s of 320x180 noisy test pattern (1 s GOP) with AAC, about 1.3 MB: bigger than a test's first block. */
    private static final List<String> SOURCE = List.of(
            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25,noise=alls=30:allf=t",
            "-f", "lavfi", "-i", "sine=f=440:r=48000", "-t", "10",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-b:v", "1M", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k");

    private MediaFixtures() {}

    /** ffmpeg's default layout: mdat first, moov at the end. */
    static Path moovAtEnd() throws IOException {
        return make("moov-at-end.mp4", List.of());
    }

    static Path faststart() throws IOException {
        return make("faststart.mp4", List.of("-movflags", "+faststart"));
    }

    /** One fragment per keyframe (10 fragments), indexed by an mfra at the end. */
    static Path fragmentedWithMfra() throws IOException {
        return make("fragmented-mfra.mp4", List.of("-movflags", "frag_keyframe+empty_moov"));
    }

    /** Same fragments, indexed by sidx boxes after the moov. */
    static Path fragmentedWithSidx() throws IOException {
        return make("fragmented-sidx.mp4", List.of("-movflags", "frag_keyframe+empty_moov+global_sidx"));
    }

    static Path mpegTs() throws IOException {
        return make("clip.ts", List.of("-f", "mpegts"));
    }

    private static synchronized Path make(String name, List<String> muxerArgs) throws IOException {
        Path file = DIR.resolve(name);
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(DIR);
        Path partial = DIR.resolve(name + ".part");
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(SOURCE);
        command.addAll(muxerArgs);
        if (!name.endsWith(".ts")) {
            command.addAll(List.of("-f", "mp4"));
        }
        command.add(partial.toString());
        Process process = new ProcessBuilder(command).inheritIO().start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("ffmpeg failed to make " + name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making " + name, e);
        }
        Files.move(partial, file);
        return file;
    }
}
