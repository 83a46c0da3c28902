package io.auditbridge.gke;

import io.auditbridge.core.cli.BridgeCli;
import picocli.CommandLine.Command;

/** The bridge-gke command line. */
@Command(name = "bridge-gke", mixinStandardHelpOptions = true, versionProvider = BridgeCli.ManifestVersion.class,
        description = "GKE: Cloud Logging (google.cloud.audit.AuditLog) to audit.k8s.io/v1 Events.",
        subcommands = {GkeTranslateCommand.class, GkeRunCommand.class, GkeBackfillCommand.class})
public final class GkeBridge {
    public static void main(String[] args) {
        System.exit(BridgeCli.run(new GkeBridge(), args));
    }
}
