package io.auditbridge.eks;

import io.auditbridge.core.testing.HelpCheck;
import org.junit.jupiter.api.Test;

/** {@code bridge-eks --help} of every subcommand: options in sections, each naming its AUDITBRIDGE_* variable. */
class EksHelpTest {
    @Test
    void everyOptionOfEverySubcommandIsInASectionAndNamesItsVariable() {
        HelpCheck.everyOptionGroupedWithItsVariable(new EksBridge());
    }

    @Test
    void runHelpIsGroupedUnderHeadings() {
        HelpCheck.runHelpIsGroupedUnderHeadings(new EksBridge(), "bridge-eks");
    }

    @Test
    void theCloudApiCallTimeoutHasOneNameAndTheOldOneIsAHiddenAlias() {
        HelpCheck.apiCallTimeoutHasOneNameAndAHiddenAlias(new EksBridge(), "--aws-call-timeout");
    }
}
