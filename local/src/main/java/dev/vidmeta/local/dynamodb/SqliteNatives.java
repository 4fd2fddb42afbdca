package dev.vidmeta.local.dynamodb;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * Points sqlite4java (DynamoDB Local's storage engine) at its native library.
 *
 * <p>The library is a Maven dependency of DynamoDB Local ({@code libsqlite4java-linux-amd64-1.0.392.so});
 * sqlite4java wants a directory holding it under its short name ({@code libsqlite4java-linux-amd64.so}).
 * We find the artifact on the class path (the {@code vidmeta} launcher's classpath lists it) or, when the
 * class path is hidden behind a manifest jar (Maven's test runners), next to the sqlite4java jar in the
 * Maven repository layout, and copy it under its short name into a private temporary directory.
 */
final class SqliteNatives {

    private static final String PROPERTY = "sqlite4java.library.path";
    private static final String ARTIFACT = "libsqlite4java-linux-amd64";

    private SqliteNatives() {
    }

    static synchronized void ensureLoadable() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        if (!System.getProperty("os.name").startsWith("Linux") || !System.getProperty("os.arch").equals("amd64")) {
            throw new IllegalStateException("the local runtime ships sqlite4java natives for linux-amd64 only, not "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        Path library = fromClassPath();
        if (library == null) {
            library = besideSqliteJar();
        }
        if (library == null) {
            throw new IllegalStateException(ARTIFACT + "-*.so is neither on the class path nor in the Maven "
                    + "repository next to sqlite4java; build with mvn so that DynamoDB Local's dependencies resolve");
        }
        try {
            Path dir = Files.createTempDirectory("vidmeta-sqlite4java");
            Path target = dir.resolve(ARTIFACT + ".so");
            Files.copy(library, target, StandardCopyOption.REPLACE_EXISTING);
            // deleteOnExit deletes in the reverse order of registering: the file first, then its directory.
            dir.toFile().deleteOnExit();
            target.toFile().deleteOnExit();
            System.setProperty(PROPERTY, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage " + library, e);
        }
    }

    private static Path fromClassPath() {
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (name.startsWith(ARTIFACT) && name.endsWith(".so") && Files.isRegularFile(path)) {
                return path;
            }
        }
        return null;
    }

    /** {@code .../com/almworks/sqlite4java/sqlite4java/V/sqlite4java-V.jar} -> {@code .../ARTIFACT/V/ARTIFACT-V.so}. */
    private static Path besideSqliteJar() {
        try {
            Class<?> sqlite = Class.forName("com.almworks.sqlite4java.SQLite");
            Path jar = Path.of(sqlite.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path versionDir = jar.getParent();
            String version = versionDir.getFileName().toString();
            Path artifactDir = versionDir.getParent().getParent().resolve(ARTIFACT).resolve(version);
            try (Stream<Path> files = Files.list(artifactDir)) {
                return files.filter(p -> p.getFileName().toString().endsWith(".so")).findFirst().orElse(null);
            }
        } catch (ReflectiveOperationException | java.net.URISyntaxException | IOException | RuntimeException e) {
            return null;
        }
    }
}
