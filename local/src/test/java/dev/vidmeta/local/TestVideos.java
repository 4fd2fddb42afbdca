package dev.vidmeta.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Tiny videos made with ffmpeg for tests, cached under target/test-media. */
public final class TestVideos {

    private static final Path DIR = Path.of("target", "test-media");

    private TestVideos() {
    }

    /** 2 s, 160x90, 25 fps, H.264 in MP4. */
    public static Path h264Mp4() {
        return make("h264-2s.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p");
    }

    /** 2 s, 160x90, 25 fps, MPEG-4 Part 2 in MP4: a container Rekognition takes, a codec it does not. */
    public static Path mpeg4Mp4() {
        return make("mpeg4-2s.mp4", "-c:v", "mpeg4");
    }

    private static synchronized Path make(String name, String... codecArgs) {
        Path out = DIR.resolve(name);
        if (Files.isRegularFile(out)) {
            return out;
        }
        try {
            Files.createDirectories(DIR);
            List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc=size=160x90:rate=25", "-t", "2"));
            command.addAll(List.of(codecArgs));
            Path partial = DIR.resolve(name + ".part.mp4");
            command.add(partial.toString());
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("ffmpeg failed to make " + name);
            }
            Files.move(partial, out);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make " + name + " (is ffmpeg installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
