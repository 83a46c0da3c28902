package io.auditbridge.aks;

import io.auditbridge.core.cli.BridgeCli;
import picocli.CommandLine.Command;

/** The bridge-aks command line. */
@Command(name = "bridge-aks", mixinStandardHelpOptions = true, versionProvider = BridgeCli.ManifestVersion.class,
        description = "AKS: Diagnostic Settings records from Event Hubs to audit.k8s.io/v1 Events.",
        subcommands = {AksTranslateCommand.class, AksRunCommand.class, AksBackfillCommand.class})
public final class AksBridge {
    public static void main(String[] args) {
        // The Azure SDK's JDK HTTP client sets Content-Length, which java.net.http refuses (a WARN on every Blob
        // request) unless allowed; it must be set before the HTTP client classes load.
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
        }
        System.exit(BridgeCli.run(new AksBridge(), args));
    }
}
