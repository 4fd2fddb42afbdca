package dev.vidmeta.terraform;

import static dev.vidmeta.terraform.TerraformModule.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The jar Terraform deploys by default is the one Maven builds, and it is self-contained: every handler Terraform
 * names loads from it alone, with the types its constructors and methods use, as in the Lambda runtime (whose
 * class path is the jar plus the JDK). An IT because it needs {@code mvn package} of the tasks module first.
 */
class DeployedJarIT {

    @Test
    void defaultJar_shouldBeBuiltByMavenAndLoadEveryHandlerOnItsOwn() throws Exception {
        // GIVEN the jar path Terraform uses when lambda_jar_path is not set
        TerraformModule terraform = TerraformModule.load(TerraformMatchesCodeTest.REPO.resolve("terraform"));
        Path jar = terraform.path(terraform.locals().get("default_jar_path"));
        assertThat(jar).as("local.default_jar_path in terraform/lambda.tf: build it with `mvn -B package -pl tasks -am`")
                .isRegularFile();

        // WHEN each handler is loaded from that jar alone (the platform class loader supplies only the JDK)
        SoftAssertions soft = new SoftAssertions();
        try (URLClassLoader lambda = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (Map.Entry<String, Object> f : map(terraform.locals().get("functions"), "local.functions").entrySet()) {
                String handler = String.valueOf(map(f.getValue(), f.getKey()).get("handler"));
                String className = handler.split("::", 2)[0];
                String method = handler.contains("::") ? handler.split("::", 2)[1] : "handleRequest";
                try {
                    // THEN it links: its members' types (Context, the SDK clients, ...) are in the jar too
                    Class<?> type = Class.forName(className, false, lambda);
                    type.getDeclaredConstructors();
                    type.getDeclaredMethods();
                    soft.assertThat(type.getConstructor()).as(className + "()").isNotNull();
                    soft.assertThat(TerraformMatchesCodeTest.publicMethodsNamed(type, method))
                            .as(handler).isNotEmpty();
                } catch (ClassNotFoundException | LinkageError e) {
                    soft.fail("function '%s': %s does not load from %s alone: %s", f.getKey(), className,
                            jar.getFileName(), e);
                }
            }
        }
        soft.assertAll();
        System.out.printf("deployed jar %s: %.1f MB%n", jar.getFileName(), Files.size(jar) / 1e6);
    }

    /**
     * One HTTP client in the jar: Apache HttpClient 4 (apache-client), which every SDK client is built with. The
     * SDK's service modules also bring netty-nio-client and, since 2.59, apache5-client; the parent POM excludes
     * both, and a client left on the class path unused is only weight (and, for clients built without an
     * explicit httpClient, an ambiguous choice).
     */
    @Test
    void defaultJar_shouldShipExactlyOneSdkHttpClient() throws Exception {
        TerraformModule terraform = TerraformModule.load(TerraformMatchesCodeTest.REPO.resolve("terraform"));
        Path jar = terraform.path(terraform.locals().get("default_jar_path"));
        List<String> clients = List.of("apache", "apache5", "urlconnection", "nio/netty", "crt");

        List<String> shipped;
        try (JarFile contents = new JarFile(jar.toFile())) {
            shipped = clients.stream()
                    .filter(client -> contents.stream().anyMatch(entry -> entry.getName()
                            .startsWith("software/amazon/awssdk/http/" + client + "/")))
                    .toList();
        }

        assertThat(shipped).containsExactly("apache");
    }
}
