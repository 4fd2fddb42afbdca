package dev.vidmeta.probe;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * One MediaInfo object. MediaInfoLib keeps all parsing state in it and is not thread-safe, so each
 * probe creates its own and deletes it when done.
 */
final class MediaInfoHandle implements AutoCloseable {

    /** Bits of the Open_Buffer_Continue status word (MediaInfoLib's File__Analyze::Status). */
    static final int ACCEPTED = 1;
    static final int FILLED = 1 << 1;
    static final int FINALIZED = 1 << 3;

    /** Open_Buffer_Continue_GoTo_Get's "no seek wanted" answer: (MediaInfo_int64u) -1. */
    static final long NO_SEEK = -1L;

    private final LibMediaInfo lib;
    private Pointer handle;
    /** MediaInfoLib's size_t read-size hint; native memory that must outlive the handle. */
    private Memory readSizeHint;

    MediaInfoHandle(LibMediaInfo lib) {
        this.lib = lib;
        this.handle = lib.MediaInfoA_New();
        if (handle == null) {
            throw new IllegalStateException("MediaInfoA_New returned NULL");
        }
    }

    String option(String name, String value) {
        Pointer answer = lib.MediaInfoA_Option(live(), name, value);
        return answer == null ? "" : answer.getString(0, StandardCharsets.UTF_8.name());
    }

    /**
     * Lets the parsers tell us how many bytes to read next, as MediaInfoLib's own file reader does
     * (option File_Buffer_Size_Hint_Pointer). Some parsers behave differently without it: see
     * {@link MediaProbe}.
     */
    void enableReadSizeHint(long initial) {
        readSizeHint = new Memory(Long.BYTES);
        readSizeHint.setLong(0, initial);
        option("File_Buffer_Size_Hint_Pointer", Long.toUnsignedString(Pointer.nativeValue(readSizeHint)));
    }

    /** The read size the parser asked for last, or 0 when the hint is not enabled. */
    long readSizeHint() {
        return readSizeHint == null ? 0 : readSizeHint.getLong(0);
    }

    void openBufferInit(long fileSize, long fileOffset) {
        lib.MediaInfoA_Open_Buffer_Init(live(), fileSize, fileOffset);
    }

    /** Feeds {@code length} bytes from native memory; returns the status bits (ACCEPTED, FILLED, ...). */
    int openBufferContinue(Pointer buffer, long length) {
        return (int) lib.MediaInfoA_Open_Buffer_Continue(live(), buffer, length);
    }

    /** The offset MediaInfo wants to read next, or {@link #NO_SEEK}. */
    long openBufferContinueGoToGet() {
        return lib.MediaInfoA_Open_Buffer_Continue_GoTo_Get(live());
    }

    void openBufferFinalize() {
        lib.MediaInfoA_Open_Buffer_Finalize(live());
    }

    String inform() {
        Pointer text = lib.MediaInfoA_Inform(live(), 0);
        return text == null ? "" : text.getString(0, StandardCharsets.UTF_8.name());
    }

    private Pointer live() {
        if (handle == null) {
            throw new IllegalStateException("MediaInfo handle already closed");
        }
        return handle;
    }

    @Override
    public void close() {
        if (handle != null) {
            lib.MediaInfoA_Close(handle);
            lib.MediaInfoA_Delete(handle);
            handle = null;
        }
        if (readSizeHint != null) {
            readSizeHint.close();
            readSizeHint = null;
        }
    }
}
