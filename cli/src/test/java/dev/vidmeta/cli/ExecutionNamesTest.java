package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The derived names that make replay and backfill safe to run twice. */
class ExecutionNamesTest {

    private static final String ALLOWED = "[A-Za-z0-9_-]{1,80}";

    @Test
    void replayName_shouldBeTheOriginalNameWithR1_whateverTheOriginalEndsIn() {
        // Only originals are restarted (a copy counts as its original's replay), so the suffix never counts up.
        assertThat(ExecutionReplayer.derivedName("4f0c9a7e-1f7e-4b53-9a8d-2f3b8c1d0e11"))
                .isEqualTo("4f0c9a7e-1f7e-4b53-9a8d-2f3b8c1d0e11-r1");
        assertThat(ExecutionReplayer.derivedName("clip-r1")).isEqualTo("clip-r1-r1");
    }

    @Test
    void replayName_shouldStayWithin80Characters_andApart_whenNamesAreLong() {
        String a = "backfill-" + "a".repeat(32) + "-" + "x".repeat(38);
        String b = "backfill-" + "a".repeat(32) + "-" + "x".repeat(37) + "y";
        assertThat(a).hasSize(80);

        String ra = ExecutionReplayer.derivedName(a);
        String rb = ExecutionReplayer.derivedName(b);

        assertThat(ra).hasSizeLessThanOrEqualTo(80).endsWith("-r1").matches(ALLOWED);
        assertThat(rb).hasSizeLessThanOrEqualTo(80).isNotEqualTo(ra);
        assertThat(ra).hasSize(80).matches(".{68}-[0-9a-f]{8}-r1");
    }

    @Test
    void redriveToken_shouldBeTheSame_forOneRedriveOfOneExecution() {
        String arn = "arn:aws:states:eu-west-1:111122223333:execution:video-metadata:abc";
        assertThat(ExecutionReplayer.redriveToken(arn, 0)).isEqualTo(ExecutionReplayer.redriveToken(arn, 0))
                .isNotEqualTo(ExecutionReplayer.redriveToken(arn, 1)).hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void backfillName_shouldDependOnBucketKeyVersionAndEtag_only() {
        String name = BackfillCommand.executionName("b", "in/My Clip (1).mp4", "v1", "etag1");

        assertThat(name).isEqualTo(BackfillCommand.executionName("b", "in/My Clip (1).mp4", "v1", "etag1"))
                .matches("backfill-[0-9a-f]{32}-My_Clip__1__mp4");
        assertThat(BackfillCommand.executionName("b", "in/My Clip (1).mp4", "v2", "etag1")).isNotEqualTo(name);
        assertThat(BackfillCommand.executionName("b", "in/My Clip (1).mp4", "v1", "etag2")).isNotEqualTo(name);
        assertThat(BackfillCommand.executionName("c", "in/My Clip (1).mp4", "v1", "etag1")).isNotEqualTo(name);
        assertThat(BackfillCommand.executionName("b", "other/My Clip (1).mp4", "v1", "etag1")).isNotEqualTo(name);
    }

    @Test
    void backfillName_shouldBeAllowedByStepFunctions_whateverTheKey() {
        for (String key : new String[] {"uploads/Été 2026/100% fun + friends (café) 🎬.mp4", "a/", "x".repeat(1024),
            "dir/.hidden", "weird:key*?[]{}|\\^~`$&,;#\"'<>"}) {
            assertThat(BackfillCommand.executionName("bucket", key, null, "e")).as(key).matches(ALLOWED)
                    .startsWith("backfill-");
        }
    }
}
