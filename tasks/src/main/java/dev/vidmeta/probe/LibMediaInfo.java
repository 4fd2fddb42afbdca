package dev.vidmeta.probe;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The UTF-8 ({@code MediaInfoA_*}) entry points of libmediainfo's C API, as declared in MediaInfoDLL.h.
 *
 * <p>{@code size_t} and {@code MediaInfo_int64u} are mapped to Java {@code long}: that is exact on the
 * LP64 platforms we run on (Linux x86_64 and arm64, including both Lambda architectures).
 */
interface LibMediaInfo extends Library {

    /** Where we look, in order: a Lambda layer's /opt/lib first, then the dynamic linker's own search. */
    List<String> DEFAULT_CANDIDATES = List.of(
            "/opt/lib/libmediainfo.so.0",
            "/opt/lib/libmediainfo.so",
            "libmediainfo.so.0",
            "mediainfo");

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
}
