package dev.vidmeta.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/node/tfcheck.mjs} with the npm packages pinned in terraform-check/package-lock.json
 * (@cdktf/hcl2json, @cdktf/provider-aws, asl-validator, jsonata) and returns the JSON it prints.
 */
final class NpmTools {

    static final Path MODULE = TerraformMatchesCodeTest.REPO.resolve("terraform-check");
    private static final Path SCRIPT = MODULE.resolve("src/test/node/tfcheck.mjs");
    private static final List<String> PACKAGES = List.of("@cdktf/hcl2json", "@cdktf/provider-aws", "asl-validator",
            "jsonata");

    private NpmTools() {
    }

    /**
     * The Node.js the launcher found or installed ({@code VIDMETA_NODE}: 20+, which these packages need), else the
     * PATH's: on a fresh Debian 12 the PATH's is apt's Node 18.
     */
    private static String node() {
        String configured = System.getenv("VIDMETA_NODE");
        return configured == null || configured.isBlank() ? "node" : configured;
    }

    /** {@code node tfcheck.mjs args...}, parsed; fails with what node printed if it exits non-zero. */
    static JsonNode run(String... args) {
        requireInstalled();
        List<String> command = new ArrayList<>(List.of(node(), SCRIPT.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("tfcheck", ".json");
            Path err = Files.createTempFile("tfcheck", ".err");
            try {
                Process node = new ProcessBuilder(command).directory(MODULE.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                // A guard against a hung tool, not a performance assertion: the slowest command takes seconds.
                if (!node.waitFor(5, TimeUnit.MINUTES)) {
                    node.destroyForcibly();
                    throw new IllegalStateException("node " + String.join(" ", args) + " did not finish");
                }
                if (node.exitValue() != 0) {
                    throw new IllegalStateException("node " + String.join(" ", args) + " exited "
                            + node.exitValue() + ":\n" + Files.readString(err, StandardCharsets.UTF_8));
                }
                return new ObjectMapper().readTree(out.toFile());
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node (Node.js 20+ on PATH): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void requireInstalled() {
        for (String pkg : PACKAGES) {
            if (!Files.isRegularFile(MODULE.resolve("node_modules").resolve(pkg).resolve("package.json"))) {
                throw new IllegalStateException("terraform-check's npm packages are not installed (no node_modules/"
                        + pkg + "): run `npm ci` in " + MODULE + " (the versions are pinned in its package-lock.json)");
            }
        }
    }
}
