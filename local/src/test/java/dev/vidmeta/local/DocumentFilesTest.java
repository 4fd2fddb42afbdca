package dev.vidmeta.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a local service keeps in its work dir is read back by the next process on the same directory. */
class DocumentFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void put_shouldBeReadBack_byAnotherInstanceOnTheSameDirectory() throws Exception {
        // GIVEN two documents written by one instance, one of them written twice
        DocumentFiles first = DocumentFiles.in(dir.resolve("owed"));
        first.put("a-1", JSON.readTree("{\"n\": 1}"));
        first.put("b_2", JSON.readTree("{\"n\": 2}"));
        first.put("a-1", JSON.readTree("{\"n\": 3}"));

        // WHEN a new instance opens the directory, as the next run of the process does
        DocumentFiles next = DocumentFiles.in(dir.resolve("owed"));

        // THEN it finds both, each as last written
        assertThat(next.ids()).containsExactlyInAnyOrder("a-1", "b_2");
        assertThat(next.get("a-1")).isEqualTo(JSON.readTree("{\"n\": 3}"));
        assertThat(next.get("b_2")).isEqualTo(JSON.readTree("{\"n\": 2}"));
    }

    @Test
    void delete_shouldForgetTheDocument_forTheNextInstanceToo() throws Exception {
        DocumentFiles first = DocumentFiles.in(dir);
        first.put("done", JSON.readTree("{}"));
        first.put("owed", JSON.readTree("{}"));

        first.delete("done");
        first.delete("never-there");

        DocumentFiles next = DocumentFiles.in(dir);
        assertThat(next.ids()).containsExactly("owed");
        assertThat(next.get("done")).isNull();
        assertThat(next.contains("done")).isFalse();
        assertThat(next.contains("owed")).isTrue();
    }

    @Test
    void ids_shouldSkipTheTemporaryFile_aCrashInTheMiddleOfAWriteLeaves() throws Exception {
        // GIVEN a write cut off before its rename: the temporary file holds half a document
        DocumentFiles documents = DocumentFiles.in(dir);
        documents.put("whole", JSON.readTree("{\"kept\": true}"));
        Files.writeString(dir.resolve(".cut.tmp"), "{\"kep");

        // WHEN / THEN only the whole document is one
        assertThat(DocumentFiles.in(dir).ids()).containsExactly("whole");
    }

    @Test
    void none_shouldKeepNothing() throws Exception {
        DocumentFiles none = DocumentFiles.none();

        none.put("a", JSON.readTree("{}"));

        assertThat(none.ids()).isEmpty();
        assertThat(none.get("a")).isNull();
        assertThat(none.contains("a")).isFalse();
    }

    @Test
    void put_shouldRefuseAnIdThatIsNotAPlainFileName() {
        DocumentFiles documents = DocumentFiles.in(dir);
        JsonNode empty = JSON.createObjectNode();

        assertThatThrownBy(() -> documents.put("../escape", empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("../escape");
        assertThat(dir.getParent().resolve("escape.json")).doesNotExist();
    }
}
