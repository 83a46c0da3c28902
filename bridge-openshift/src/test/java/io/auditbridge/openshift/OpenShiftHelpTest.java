package io.auditbridge.openshift;

import io.auditbridge.core.testing.HelpCheck;
import org.junit.jupiter.api.Test;

/** {@code bridge-openshift --help} of every subcommand: options in sections, each naming its AUDITBRIDGE_* variable. */
class OpenShiftHelpTest {
    @Test
    void everyOptionOfEverySubcommandIsInASectionAndNamesItsVariable() {
        HelpCheck.everyOptionGroupedWithItsVariable(new OpenShiftBridge());
    }

    @Test
    void runHelpIsGroupedUnderHeadings() {
        HelpCheck.runHelpIsGroupedUnderHeadings(new OpenShiftBridge(), "bridge-openshift");
    }
}
