package dev.vidmeta.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.terraform.fixture.FixtureHandler;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The derivation TerraformMatchesCodeTest relies on, on a fixture whose answer is known from reading it. */
class IamActionsTest {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void actions_shouldComeFromReachableSdkCallsOnly_whenAnInterfaceHasAnUninstantiatedImplementation() {
        // GIVEN a handler whose constructor instantiates S3Store, and whose handler calls Store.read
        CallGraph graph = CallGraph.fromHandler(loader, "dev.vidmeta.terraform.fixture",
                FixtureHandler.class.getName(), "handleRequest");

        // WHEN the IAM actions are derived
        Set<String> actions = IamActions.of(graph.externalCalls(), loader);

        // THEN S3Store.read's GetObject with a versionId counts, with the s3:ListBucket that makes a missing key a 404
        // (API_GetObject.html, Permissions); delete() (never called) and UploadingStore (never instantiated) do not
        assertThat(actions).containsExactly("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket");
    }

    @Test
    void callGraph_shouldReachTheLambdaBodiesOfReachedMethods() {
        CallGraph graph = CallGraph.fromHandler(loader, "dev.vidmeta.terraform.fixture",
                FixtureHandler.class.getName(), "handleRequest");

        // The builder calls live in the lambda passed to getObjectAsBytes.
        assertThat(graph.externalCalls()).extracting(ClassFile.Ref::name).contains("getObjectAsBytes", "versionId")
                .doesNotContain("deleteObject", "putObject");
    }

    @Test
    void placeholders_shouldListInterpolationsButNotEscapedOnes() {
        assertThat(Placeholders.in("{\"a\": \"${one}\", \"b\": \"$${literal}\", \"c\": \"{% $x %} ${two}\"}"))
                .containsExactly("one", "two");
    }
}
