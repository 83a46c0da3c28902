package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.HelpCheck;
import org.junit.jupiter.api.Test;

/** {@code bridge-gke --help} of every subcommand: options in sections, each naming its AUDITBRIDGE_* variable. */
class GkeHelpTest {
    @Test
    void everyOptionOfEverySubcommandIsInASectionAndNamesItsVariable() {
        HelpCheck.everyOptionGroupedWithItsVariable(new GkeBridge());
    }

    @Test
    void runHelpIsGroupedUnderHeadings() {
        String help = HelpCheck.help(new GkeBridge(), "run", "--help");
        assertThat(help).startsWith("Usage: bridge-gke run [OPTIONS]");
        assertThat(help.lines().filter(l -> l.matches("[A-Z][a-zA-Z ]+:"))).contains("Source:", "Sink:", "Batching and delivery:", "Operations:");
        assertThat(HelpCheck.section(help, "Sink:")).contains("--sink=");
        assertThat(HelpCheck.section(help, "Batching and delivery:")).contains("--batch-max-events");
        assertThat(HelpCheck.section(help, "Operations:")).contains("--log-format", "--metrics-port");
    }

    @Test
    void theCloudApiCallTimeoutHasOneNameAndTheOldOneIsAHiddenAlias() {
        String help = HelpCheck.help(new GkeBridge(), "backfill", "--help");
        assertThat(HelpCheck.section(help, "Source:")).contains("--api-call-timeout=DURATION").doesNotContain("--request-timeout");
        var root = io.auditbridge.core.cli.BridgeCli.commandLine(new GkeBridge());
        var backfill = root.getSubcommands().get("backfill");
        root.parseArgs("backfill", "--since", "1h", "--request-timeout", "7s");
        assertThat(backfill.getCommandSpec().findOption("--api-call-timeout").<java.time.Duration>getValue()).isEqualTo(java.time.Duration.ofSeconds(7));
    }
}
