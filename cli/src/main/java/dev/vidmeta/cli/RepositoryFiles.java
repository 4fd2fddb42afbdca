package dev.vidmeta.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkout the CLI runs from: the local commands deploy {@code statemachine/video-metadata.asl.json} itself
 * (the one definition, never a copy) and the demo uploads {@code samples/sample.mp4}.
 *
 * <p>Looked for, in order: the {@code vidmeta.root} system property; upwards from where the CLI's classes are
 * (the launcher runs {@code cli/target/classes}, so this works from any working directory); upwards from the
 * working directory.
 */
final class RepositoryFiles {

    static final String DEFINITION = "statemachine/video-metadata.asl.json";
    static final String SAMPLE = "samples/sample.mp4";

    private RepositoryFiles() {
    }

    /** The repository root; fails naming every place it looked. */
    static Path root() {
        List<Path> starts = new ArrayList<>();
        String property = System.getProperty("vidmeta.root");
        if (property != null && !property.isBlank()) {
            starts.add(Path.of(property));
        }
        Path classes = classesLocation();
        if (classes != null) {
            starts.add(classes);
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(DEFINITION))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("cannot find the vidmeta repository (its " + DEFINITION + ") above "
                + starts + "; run from the checkout or set -Dvidmeta.root=<checkout>");
    }

    private static Path classesLocation() {
        CodeSource source = RepositoryFiles.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
