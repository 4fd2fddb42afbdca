package dev.vidmeta.probe;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The UTF-8 ({@code MediaInfoA_*}) entry points of libmediainfo's C API, as declared in MediaInfoDLL.h.
 *
 * <p>{@code size_t} and {@code MediaInfo_int64u} are mapped to Java {@code long}: that is exact on the
 * LP64 platforms we run on (Linux x86_64 and arm64, including both Lambda architectures).
 */
interface LibMediaInfo extends Library {

    /**
     * Where a layer's {@code lib/} lands: "Lambda loads the layer content into the /opt directory", and {@code lib}
     * is on LD_LIBRARY_PATH for all runtimes ("Packaging your layer content",
     * https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html).
     */
    Path LAYER_LIB = Path.of("/opt/lib");

    /** Names the dynamic linker resolves itself (ldconfig's cache, LD_LIBRARY_PATH, jna.library.path). */
    List<String> LINKER_NAMES = List.of("libmediainfo.so.0", "mediainfo");

    String INSTALL_HINT = "libmediainfo not found (tried %s). Install it with `apt-get install libmediainfo0v5`"
            + " (Debian/Ubuntu), or on AWS Lambda attach a layer built from MediaArea's"
            + " MediaInfo_DLL_<version>_Lambda zip so that it lands in /opt/lib.";

    Pointer MediaInfoA_New();

    void MediaInfoA_Delete(Pointer handle);

    Pointer MediaInfoA_Option(Pointer handle, String option, String value);

    long MediaInfoA_Open_Buffer_Init(Pointer handle, long fileSize, long fileOffset);

    long MediaInfoA_Open_Buffer_Continue(Pointer handle, Pointer buffer, long bufferSize);

    long MediaInfoA_Open_Buffer_Continue_GoTo_Get(Pointer handle);

    long MediaInfoA_Open_Buffer_Finalize(Pointer handle);

    Pointer MediaInfoA_Inform(Pointer handle, long reserved);

    void MediaInfoA_Close(Pointer handle);

    /** Where we look, in order: whatever libmediainfo file the layer holds, then the dynamic linker's own search. */
    static List<String> defaultCandidates() {
        List<String> candidates = new ArrayList<>(filesIn(LAYER_LIB));
        candidates.addAll(LINKER_NAMES);
        return candidates;
    }

    /**
     * The libmediainfo files in {@code directory}, as full paths, in the order to try them.
     *
     * <p>MediaArea's {@code MediaInfo_DLL_<v>_Lambda_*.zip} holds {@code lib/libmediainfo.so.0.0.0}, and the
     * symlinks {@code .so.0} and {@code .so} only sometimes (a zip made without {@code --symlinks}, or unpacked
     * with {@code cp -L}, has none or holds copies). So any {@code libmediainfo.so[.N...]} counts: the soname
     * ({@code .so.0}) first, as the linker would pick it; then fully versioned names, newest first; the
     * unversioned development name last.
     */
    static List<String> filesIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries
                    .filter(p -> SharedObjectName.of(p.getFileName().toString()) != null)
                    .filter(Files::isRegularFile) // follows symlinks: a dangling one is left out
                    .sorted(Comparator.comparing((Path p) -> SharedObjectName.of(p.getFileName().toString())))
                    .map(p -> p.toAbsolutePath().toString())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Loads the first candidate that the dynamic linker accepts.
     *
     * @throws MediaInfoUnavailableException naming every candidate tried and how to install the library
     */
    static LibMediaInfo load(List<String> candidates) {
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates) {
            try {
                return Native.load(candidate, LibMediaInfo.class,
                        Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
            } catch (UnsatisfiedLinkError e) {
                failures.add(candidate);
            }
        }
        throw new MediaInfoUnavailableException(String.format(INSTALL_HINT, String.join(", ", failures)));
    }

    /** {@code libmediainfo.so} with its version numbers, ordered as {@link #filesIn} tries them. */
    record SharedObjectName(int[] version) implements Comparable<SharedObjectName> {

        private static final Pattern NAME = Pattern.compile("libmediainfo\\.so((?:\\.\\d+)*)");

        static SharedObjectName of(String fileName) {
            Matcher m = NAME.matcher(fileName);
            if (!m.matches()) {
                return null;
            }
            String digits = m.group(1);
            int[] version = digits.isEmpty() ? new int[0]
                    : Stream.of(digits.substring(1).split("\\.")).mapToInt(Integer::parseInt).toArray();
            return new SharedObjectName(version);
        }

        /** 0: the soname (one number); 1: longer versions; 2: the bare development name. */
        private int rank() {
            return version.length == 1 ? 0 : version.length > 1 ? 1 : 2;
        }

        @Override
        public int compareTo(SharedObjectName other) {
            int byRank = Integer.compare(rank(), other.rank());
            if (byRank != 0) {
                return byRank;
            }
            // Newest first: compare the numbers left to right, descending.
            for (int i = 0; i < Math.min(version.length, other.version.length); i++) {
                int c = Integer.compare(other.version[i], version[i]);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(other.version.length, version.length);
        }
    }
}
