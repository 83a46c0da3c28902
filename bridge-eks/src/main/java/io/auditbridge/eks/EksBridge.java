package io.auditbridge.eks;

import io.auditbridge.core.cli.BridgeCli;
import picocli.CommandLine.Command;

/** The bridge-eks command line. */
@Command(name = "bridge-eks", mixinStandardHelpOptions = true, versionProvider = BridgeCli.ManifestVersion.class,
        description = "EKS: CloudWatch Logs kube-apiserver-audit streams to audit.k8s.io/v1 Events.",
        subcommands = {EksTranslateCommand.class, EksRunCommand.class, EksBackfillCommand.class})
public final class EksBridge {
    public static void main(String[] args) {
        System.exit(BridgeCli.run(new EksBridge(), args));
    }
}
