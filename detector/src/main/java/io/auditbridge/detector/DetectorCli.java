package io.auditbridge.detector;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.detector.cli.EvaluateCommand;
import io.auditbridge.detector.cli.ServeCommand;
import picocli.CommandLine.Command;

/** The detector command line. */
@Command(name = "detector", mixinStandardHelpOptions = true, versionProvider = BridgeCli.ManifestVersion.class,
        description = "Falco-compatible k8s_audit rule engine and webhook.",
        subcommands = {EvaluateCommand.class, ServeCommand.class})
public final class DetectorCli {
    public static void main(String[] args) {
        System.exit(BridgeCli.run(new DetectorCli(), args));
    }
}
