package io.auditbridge.aks;

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
        HelpCheck.runHelpIsGroupedUnderHeadings(new AksBridge(), "bridge-aks");
    }
}
