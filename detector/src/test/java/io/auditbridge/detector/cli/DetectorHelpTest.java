package io.auditbridge.detector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.HelpCheck;
import io.auditbridge.detector.DetectorCli;
import org.junit.jupiter.api.Test;

/** {@code detector --help} of serve and evaluate: options in sections, each naming its AUDITBRIDGE_* variable. */
class DetectorHelpTest {
    @Test
    void everyOptionOfEverySubcommandIsInASectionAndNamesItsVariable() {
        HelpCheck.everyOptionGroupedWithItsVariable(new DetectorCli());
    }

    @Test
    void serveHelpIsGroupedUnderHeadings() {
        String help = HelpCheck.help(new DetectorCli(), "serve", "--help");
        assertThat(HelpCheck.section(help, "Rules and alerts:")).contains("--rules", "--alerts");
        assertThat(HelpCheck.section(help, "Receiver:")).contains("--tls");
        assertThat(HelpCheck.section(help, "Operations:")).contains("--log-format");
    }
}
