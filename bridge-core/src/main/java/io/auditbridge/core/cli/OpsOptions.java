package io.auditbridge.core.cli;

import picocli.CommandLine.Option;

/** Where {@code /metrics}, {@code /healthz} and {@code /readyz} are served for long-running commands. */
@HelpGroup(HelpGroup.Section.OPERATIONS)
public final class OpsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9090",
            description = "Port for /metrics, /healthz, /readyz; -1 turns the endpoint off (default ${DEFAULT-VALUE}).")
    public int port;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address the metrics endpoint binds (default ${DEFAULT-VALUE}).")
    public String host;
}
