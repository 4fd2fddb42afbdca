package dev.vidmeta.local.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The options line's JSON, which must stay one line whatever the work dir's name holds. */
class LocalDynamoDbTest {

    @Test
    void jsonString_shouldEscapeQuotesBackslashesAndControlCharacters_perRfc8259() {
        assertThat(LocalDynamoDb.jsonString("/tmp/a \"b\" \\c\nd\te")).isEqualTo("\"/tmp/a \\\"b\\\" \\\\c\\u000ad\\u0009e\"");
    }

    @Test
    void jsonString_shouldKeepOtherCharactersAsTheyAre() {
        assertThat(LocalDynamoDb.jsonString("/home/zoë/vidéos/日本")).isEqualTo("\"/home/zoë/vidéos/日本\"");
    }
}
