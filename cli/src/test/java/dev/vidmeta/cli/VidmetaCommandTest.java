package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which subcommands the command line is built with: only the named one, or all of them. */
class VidmetaCommandTest {

    @Test
    void commandLine_shouldBuildOnlyTheNamedSubcommand_whenTheFirstArgumentNamesOne() {
        assertThat(VidmetaCommand.commandLine("probe").getSubcommands()).containsOnlyKeys("probe");
        assertThat(VidmetaCommand.commandLine("local").getSubcommands().get("local").getSubcommands())
                .containsKey("up");
    }

    @Test
    void commandLine_shouldBuildEverySubcommand_forHelpOptionsAndTypos() {
        for (String first : new String[] {null, "--help", "help", "nosuch"}) {
            assertThat(VidmetaCommand.commandLine(first).getSubcommands()).as(first)
                    .containsKeys("help", "demo", "probe", "local", "executions", "watch", "history", "replay",
                            "backfill", "record", "records", "callbacks");
        }
    }

    @Test
    void helpForACommand_shouldDescribeIt() {
        var out = new StringWriter();
        CommandLine cli = VidmetaCommand.commandLine("help");
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("help", "watch")).isZero();
        assertThat(out.toString()).startsWith("Usage: vidmeta watch");
    }

    @Test
    void aTypo_shouldStillBeAnsweredWithASuggestion() {
        var err = new StringWriter();
        CommandLine cli = VidmetaCommand.commandLine("wach");
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("wach");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Did you mean: vidmeta watch");
    }
}
