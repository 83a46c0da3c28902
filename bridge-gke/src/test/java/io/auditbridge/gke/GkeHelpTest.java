package io.auditbridge.gke;

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
        HelpCheck.runHelpIsGroupedUnderHeadings(new GkeBridge(), "bridge-gke");
    }

    @Test
    void theCloudApiCallTimeoutHasOneNameAndTheOldOneIsAHiddenAlias() {
        HelpCheck.apiCallTimeoutHasOneNameAndAHiddenAlias(new GkeBridge(), "--request-timeout");
    }
}
