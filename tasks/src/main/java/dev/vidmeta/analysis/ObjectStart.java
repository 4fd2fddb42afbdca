package dev.vidmeta.analysis;

import dev.vidmeta.record.ObjectRef;
import java.io.IOException;

/** The first bytes of the object version an event announced, read with one ranged request. */
@FunctionalInterface
public interface ObjectStart {

    /**
     * @return at most {@code length} bytes from the start of the object; fewer when the object is shorter
     * @throws IOException when the object could not be read (gone, refused, unavailable)
     */
    byte[] read(ObjectRef object, int length) throws IOException;
}
