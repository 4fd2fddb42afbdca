package dev.vidmeta.terraform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** The string constants used in the code of every class on the test classpath under a package. */
final class LibraryStrings {

    private LibraryStrings() {
    }

    /** {@code packagePath} like {@code "software/amazon/lambda/powertools/"}. */
    static Set<String> in(String packagePath) {
        Set<String> strings = new TreeSet<>();
        try {
            Enumeration<URL> roots = LibraryStrings.class.getClassLoader().getResources(packagePath);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (root.getProtocol().equals("jar")) {
                    JarFile jar = ((JarURLConnection) root.openConnection()).getJarFile();
                    for (JarEntry e : jar.stream().toList()) {
                        if (e.getName().startsWith(packagePath) && e.getName().endsWith(".class")) {
                            try (InputStream in = jar.getInputStream(e)) {
                                add(in.readAllBytes(), strings);
                            }
                        }
                    }
                } else {
                    try (Stream<Path> files = Files.walk(Path.of(root.toURI()))) {
                        for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                            add(Files.readAllBytes(f), strings);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return strings;
    }

    private static void add(byte[] classFile, Set<String> strings) {
        for (ClassFile.Method m : ClassFile.parse(classFile).methods()) {
            strings.addAll(m.strings());
        }
    }
}
