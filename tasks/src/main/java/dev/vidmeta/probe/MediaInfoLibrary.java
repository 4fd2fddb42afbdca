package dev.vidmeta.probe;

import java.util.List;

/**
 * The loaded libmediainfo, shared by all probes in the JVM.
 *
 * <p>Options without the {@code File_} prefix are process-wide in MediaInfoLib (its static
 * configuration), so they are set once here, before any probe runs, instead of per probe where
 * concurrent probes would race on them. Per-file options are set on each {@link MediaInfoHandle}.
 */
public final class MediaInfoLibrary {

    private static MediaInfoLibrary system;

    private final LibMediaInfo lib;
    private final String version;

    private MediaInfoLibrary(LibMediaInfo lib) {
        this.lib = lib;
        try (MediaInfoHandle handle = new MediaInfoHandle(lib)) {
            // The MediaInfoA_* entry points exchange bytes in this character set.
            handle.option("CharSet", "UTF-8");
            // The same report `mediainfo --Output=JSON` prints; its other defaults (Complete=0,
            // ParseSpeed=0.5, Language=raw for JSON) are the library's defaults too.
            handle.option("Inform", "JSON");
            this.version = handle.option("Info_Version", "");
        }
    }

    /**
     * The library from the system or a Lambda layer, loaded on first use.
     *
     * @throws MediaInfoUnavailableException when it is not installed, saying how to install it
     */
    public static synchronized MediaInfoLibrary system() {
        if (system == null) {
            system = new MediaInfoLibrary(LibMediaInfo.load(LibMediaInfo.defaultCandidates()));
        }
        return system;
    }

    /** Loads the first of {@code candidates} (file paths or sonames) that the dynamic linker accepts. */
    public static MediaInfoLibrary load(List<String> candidates) {
        return new MediaInfoLibrary(LibMediaInfo.load(candidates));
    }

    /** For example {@code MediaInfoLib - v23.04}. */
    public String version() {
        return version;
    }

    MediaInfoHandle newHandle() {
        return new MediaInfoHandle(lib);
    }
}
