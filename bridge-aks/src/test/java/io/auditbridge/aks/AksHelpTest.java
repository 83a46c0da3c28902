package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.HelpCheck;
import org.junit.jupiter.api.Test;

/** {@code bridge-aks --help} of every subcommand: options in sections, each naming its AUDITBRIDGE_* variable. */
class AksHelpTest {
    @Test
    void everyOptionOfEverySubcommandIsInASectionAndNamesItsVariable() {
        HelpCheck.everyOptionGroupedWithItsVariable(new AksBridge());
    }

    @Test
    void runHelpIsGroupedUnderHeadings() {
        String help = HelpCheck.help(new AksBridge(), "run", "--help");
        assertThat(help).startsWith("Usage: bridge-aks run [OPTIONS]");
        assertThat(help.lines().filter(l -> l.matches("[A-Z][a-zA-Z ]+:"))).contains("Source:", "Sink:", "Batching and delivery:", "Operations:");
        assertThat(HelpCheck.section(help, "Sink:")).contains("--sink=");
        assertThat(HelpCheck.section(help, "Batching and delivery:")).contains("--batch-max-events");
        assertThat(HelpCheck.section(help, "Operations:")).contains("--log-format", "--metrics-port");
    }
}
