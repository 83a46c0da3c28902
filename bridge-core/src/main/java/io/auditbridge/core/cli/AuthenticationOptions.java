package io.auditbridge.core.cli;

import io.auditbridge.core.http.HttpReceiverConfig;
import picocli.CommandLine.Option;

/**
 * The explicit opt-out of receiver authentication. A receiver whose callers are unauthenticated lets anyone who
 * can reach its port inject audit Events, so a receiver that delivers or evaluates what it is sent refuses to
 * start without credentials ({@code --auth-*} files or a client CA) unless {@code --allow-unauthenticated} says so.
 */
@HelpGroup(HelpGroup.Section.RECEIVER)
public final class AuthenticationOptions {
    @Option(names = "--allow-unauthenticated",
            description = "Accept requests without credentials (no --auth-* and no --tls-client-ca-file); for tests only.")
    boolean allowUnauthenticated;

    /** Throws the start-up ConfigException (exit 2) when {@code config} lets anyone in and that was not allowed. */
    public void requireCredentials(HttpReceiverConfig config) {
        boolean clientCertificates = config.tls() != null && config.tls().requiresClientCertificate();
        if (!config.hasCredentials() && !clientCertificates && !allowUnauthenticated) {
            throw new ConfigException("--auth-token-file", "required: anyone who can reach the port could inject audit "
                    + "Events (or use --auth-username-file/--auth-password-file, --tls-client-ca-file, --allow-unauthenticated)");
        }
    }
}
