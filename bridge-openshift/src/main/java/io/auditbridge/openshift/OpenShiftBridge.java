package io.auditbridge.openshift;

import io.auditbridge.core.cli.BridgeCli;
import picocli.CommandLine.Command;

/** The bridge-openshift command line. */
@Command(name = "bridge-openshift", mixinStandardHelpOptions = true, versionProvider = BridgeCli.ManifestVersion.class,
        description = "OpenShift: ClusterLogForwarder http output to audit.k8s.io/v1 Events.",
        subcommands = {RunCommand.class, OpenShiftTranslateCommand.class})
public final class OpenShiftBridge {
    public static void main(String[] args) {
        System.exit(BridgeCli.run(new OpenShiftBridge(), args));
    }
}
