package io.auditbridge.core.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Runs a bridge's (or the detector's) Picocli command with the conventions every auditbridge CLI shares:
 * each option also read from an {@code AUDITBRIDGE_*} environment variable ({@code --sink-token-file} ←
 * {@code AUDITBRIDGE_SINK_TOKEN_FILE}), {@code --version} from the jar manifest, and bad configuration
 * reported as one line naming the option, with exit code 2.
 */
public final class BridgeCli {
    /** Exit code for a configuration error found at start. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code when events could not all be delivered. */
    public static final int EXIT_DELIVERY = 1;

    private BridgeCli() {}

    public static int run(Object command, String... args) {
        CommandLine cl = commandLine(command);
        return cl.execute(args);
    }

    /** The configured CommandLine, for tests that want to inspect or run it with their own streams. */
    public static CommandLine commandLine(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setDefaultValueProvider(new EnvDefaults(System::getenv));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage());
            err.flush();
            return EXIT_CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
                err.println("error: " + ex.getMessage());
                err.flush();
                return EXIT_CONFIG;
            }
            org.slf4j.LoggerFactory.getLogger(BridgeCli.class).error("failed: {}", ex.toString(), ex);
            err.println("error: " + ex);
            err.flush();
            return EXIT_DELIVERY;
        });
        return cl;
    }

    /** The environment variable an option is read from: {@code --batch-max-events} → {@code AUDITBRIDGE_BATCH_MAX_EVENTS}. */
    public static String envName(String longOption) {
        return "AUDITBRIDGE_" + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** Options fall back to {@code AUDITBRIDGE_*} variables, then to their declared defaults. */
    static final class EnvDefaults implements IDefaultValueProvider {
        private final java.util.function.Function<String, String> env;

        EnvDefaults(java.util.function.Function<String, String> env) {
            this.env = env;
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (arg instanceof OptionSpec option) {
                // The first name is the option's name; later ones are old names kept as aliases, env variables too.
                for (String name : option.names()) {
                    if (!name.startsWith("--")) {
                        continue;
                    }
                    String value = env.apply(envName(name));
                    if (value != null && !value.isEmpty()) {
                        return value;
                    }
                }
            }
            return arg.defaultValue();
        }
    }

    /** Reads the version from the jar manifest (Implementation-Version), for {@code --version}. */
    public static final class ManifestVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Package p = BridgeCli.class.getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return new String[] {"${COMMAND-FULL-NAME} " + (v == null ? "development build" : v),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
