package dev.vidmeta.local.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How long a key is, in UTF-8 bytes, as a path-style request path carries it. */
class SigV4FrontTest {

    @Test
    void keyBytes_shouldCountEachPercentEscapeAsOneByte_andNothingForTheBucket() {
        assertThat(LocalS3.SigV4Front.keyBytes("/bucket")).isZero();
        assertThat(LocalS3.SigV4Front.keyBytes("/bucket/")).isZero();
        assertThat(LocalS3.SigV4Front.keyBytes("/bucket/a/b.mp4")).isEqualTo(7);
        assertThat(LocalS3.SigV4Front.keyBytes("/bucket/%C3%A9t%C3%A9.mp4")).isEqualTo(9); // "été.mp4"
        assertThat(LocalS3.SigV4Front.keyBytes("/bucket/a%2Bb+c")).isEqualTo(5); // "a+b+c": no + for space
    }

    @Test
    void keyBytes_shouldCountUnencodedCharactersByTheirUtf8Length() {
        assertThat(LocalS3.SigV4Front.keyBytes("/b/é")).isEqualTo(2);
        assertThat(LocalS3.SigV4Front.keyBytes("/b/日")).isEqualTo(3);
        assertThat(LocalS3.SigV4Front.keyBytes("/b/🎬")).isEqualTo(4);
        assertThat(LocalS3.SigV4Front.keyBytes(null)).isZero();
    }
}
