package dev.vidmeta.local.s3.nio2blob;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore;

/**
 * s3proxy's filesystem store with bucket versioning switched on.
 *
 * <p>s3proxy implements versioning for every NIO.2 store (current version at the key's path, older ones
 * under a hidden {@code .s3proxy-versions} directory) but enables it only for its in-memory store: the
 * read-then-rename that archives a key's current version is serialized by a lock inside one store
 * instance, and two processes sharing a directory could interleave there. {@link LocalS3} holds an
 * exclusive file lock on its work directory, so exactly one instance writes it and the in-process lock is
 * enough.
 *
 * <p>Why this package name: s3proxy chooses per-backend behaviour (multipart stubs, native conditional
 * writes) from the store's class name, and recognises the filesystem store by {@code .nio2blob.} in it.
 * Living in a {@code nio2blob} package keeps this store on exactly the filesystem store's code paths.
 */
public final class VersioningFilesystemBlobStore extends AbstractNio2BlobStore {

    public VersioningFilesystemBlobStore(Path root) {
        super(root);
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
    }

    @Override
    public boolean supportsVersioning() {
        return true;
    }
}
