package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader against directories laid out as a Lambda layer's {@code /opt/lib} can be. MediaArea's
 * {@code MediaInfo_DLL_<v>_Lambda_*.zip} unpacks to {@code lib/libmediainfo.so.0.0.0}, with the {@code .so.0} and
 * {@code .so} symlinks only sometimes; Lambda puts a layer's content under /opt and {@code lib} on
 * LD_LIBRARY_PATH ("Packaging your layer content", https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
 */
class LibMediaInfoTest {

    @TempDir
    Path layer;

    /** The library Debian's libmediainfo0v5 installed: the real file behind the soname symlink. */
    private static Path installedLibrary() throws IOException {
        for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib")) {
            Path soname = Path.of(dir, "libmediainfo.so.0");
            if (Files.exists(soname)) {
                return soname.toRealPath();
            }
        }
        throw new IllegalStateException("libmediainfo is not installed (apt-get install libmediainfo0v5)");
    }

    @Test
    void load_shouldLoadTheVersionedFile_whenTheLayerHasNoSymlinks() throws IOException {
        // GIVEN a layer laid out like MediaArea's Lambda zip: lib/libmediainfo.so.0.0.0 only, a plain file
        Path lib = Files.createDirectories(layer.resolve("lib"));
        Path library = Files.copy(installedLibrary(), lib.resolve("libmediainfo.so.0.0.0"));

        // WHEN the loader looks in it, and loads only what it found there
        List<String> found = LibMediaInfo.filesIn(lib);
        MediaInfoLibrary loaded = MediaInfoLibrary.load(found);

        // THEN it found that file, and MediaInfo answers through it
        assertThat(found).containsExactly(library.toString());
        assertThat(loaded.version()).startsWith("MediaInfoLib - v");
    }

    @Test
    void load_shouldFallBackToTheNextFile_whenTheFirstIsNotALibrary() throws IOException {
        // GIVEN a soname file that is not a shared object, beside the real library under its full version
        Path lib = Files.createDirectories(layer.resolve("lib"));
        Files.writeString(lib.resolve("libmediainfo.so.0"), "not an ELF file");
        Path library = Files.copy(installedLibrary(), lib.resolve("libmediainfo.so.0.0.0"));

        // WHEN loaded from what the directory holds
        List<String> found = LibMediaInfo.filesIn(lib);
        MediaInfoLibrary loaded = MediaInfoLibrary.load(found);

        // THEN the soname was tried first, and the versioned file loaded
        assertThat(found).containsExactly(lib.resolve("libmediainfo.so.0").toString(), library.toString());
        assertThat(loaded.version()).startsWith("MediaInfoLib - v");
    }

    @Test
    void filesIn_shouldPutTheSonameFirst_thenNewestVersions_thenTheBareName() throws IOException {
        // GIVEN the symlinks an unpacking with --symlinks keeps, two full versions and unrelated files
        Path lib = Files.createDirectories(layer.resolve("lib"));
        Path real = Files.writeString(lib.resolve("libmediainfo.so.0.0.0"), "x");
        Files.writeString(lib.resolve("libmediainfo.so.0.25.10"), "x");
        Files.createSymbolicLink(lib.resolve("libmediainfo.so.0"), real.getFileName());
        Files.createSymbolicLink(lib.resolve("libmediainfo.so"), real.getFileName());
        Files.writeString(lib.resolve("libzen.so.0.0.0"), "x");
        Files.writeString(lib.resolve("libmediainfo.so.0.0.0.bak"), "x");
        Files.writeString(lib.resolve("libmediainfo.la"), "x");

        // WHEN listed
        List<String> found = LibMediaInfo.filesIn(lib);

        // THEN only libmediainfo.so[.N...] files, in the order the loader tries them
        assertThat(found).containsExactly(
                lib.resolve("libmediainfo.so.0").toString(),
                lib.resolve("libmediainfo.so.0.25.10").toString(),
                lib.resolve("libmediainfo.so.0.0.0").toString(),
                lib.resolve("libmediainfo.so").toString());
    }

    @Test
    void filesIn_shouldSkipDanglingSymlinks_andAnswerNothingForAMissingDirectory() throws IOException {
        // GIVEN a symlink whose target was not unpacked (a zip made without the target)
        Path lib = Files.createDirectories(layer.resolve("lib"));
        Files.createSymbolicLink(lib.resolve("libmediainfo.so.0"), Path.of("libmediainfo.so.0.0.0"));
        Files.writeString(lib.resolve("libmediainfo.so"), "x");

        // WHEN listed, and a layer-less /opt/lib is listed
        List<String> found = LibMediaInfo.filesIn(lib);
        List<String> none = LibMediaInfo.filesIn(layer.resolve("no-such-dir"));

        // THEN the dangling link is left out, and a missing directory is simply empty
        assertThat(found).containsExactly(lib.resolve("libmediainfo.so").toString());
        assertThat(none).isEmpty();
    }

    @Test
    void defaultCandidates_shouldEndWithTheDynamicLinkersOwnSearch() {
        // GIVEN whatever /opt/lib holds on this machine
        List<String> layerFiles = LibMediaInfo.filesIn(LibMediaInfo.LAYER_LIB);

        // WHEN the default candidates are listed
        List<String> candidates = LibMediaInfo.defaultCandidates();

        // THEN the layer's files come first, then the names the linker resolves (ldconfig, LD_LIBRARY_PATH)
        assertThat(candidates).containsExactlyElementsOf(
                Stream.concat(layerFiles.stream(), Stream.of("libmediainfo.so.0", "mediainfo")).toList());
    }

    @Test
    void load_shouldNameEveryCandidateTried_whenNoneLoads() throws IOException {
        Path lib = Files.createDirectories(layer.resolve("lib"));
        Files.writeString(lib.resolve("libmediainfo.so.0.0.0"), "not an ELF file");

        assertThatThrownBy(() -> MediaInfoLibrary.load(LibMediaInfo.filesIn(lib)))
                .isInstanceOf(MediaInfoUnavailableException.class)
                .hasMessageContaining(lib.resolve("libmediainfo.so.0.0.0").toString())
                .hasMessageContaining("/opt/lib");
    }
}
