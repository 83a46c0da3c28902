package io.auditbridge.core.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs a bridge's (or the detector's) Picocli command with the conventions every auditbridge CLI shares:
 * each option also read from an {@code AUDITBRIDGE_*} environment variable ({@code --sink-token-file} ←
 * {@code AUDITBRIDGE_SINK_TOKEN_FILE}; see {@link OptionNames} for aliases), {@code --help} in sections
 * ({@link HelpSections}), {@code --version} from the jar manifest, and bad configuration reported as one line
 * naming the option (and the variable, when the value came from one), with exit code 2. At start, an
 * {@code AUDITBRIDGE_*} variable no option reads is warned about, and a placeholder value from the shipped examples
 * is refused ({@link Placeholders}).
 */
public final class BridgeCli {
    /** Exit code for a configuration error found at start. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code when events could not all be delivered. */
    public static final int EXIT_DELIVERY = 1;

    private static final Logger log = LoggerFactory.getLogger(BridgeCli.class);

    private BridgeCli() {}

    public static int run(Object command, String... args) {
        CommandLine cl = commandLine(command);
        return cl.execute(args);
    }

    /** The configured CommandLine, for tests that want to inspect or run it with their own streams. */
    public static CommandLine commandLine(Object command) {
        LogOptions.applyFromEnvironment();
        CommandLine cl = new CommandLine(command);
        cl.setDefaultValueProvider(new EnvDefaults(System.getenv()));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        HelpSections.install(cl);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String message = ex.getMessage();
            if (ex.getArgSpec() instanceof OptionSpec option && !givenOnCommandLine(option, args)) {
                message = namingVariable(message, option, envSource(ex.getCommandLine(), option));
            }
            CliOutput.error(err, message);
            return EXIT_CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof ConfigException ce) {
                OptionSpec option = ce.option() == null ? null : line.getCommandSpec().findOption(ce.option());
                String message = ce.getMessage();
                if (option != null && line.getParseResult() != null && !line.getParseResult().hasMatchedOption(option)) {
                    message = namingVariable(message, option, envSource(line, option));
                }
                CliOutput.error(err, message);
                return EXIT_CONFIG;
            }
            if (ex instanceof IllegalArgumentException) {
                CliOutput.error(err, ex.getMessage());
                return EXIT_CONFIG;
            }
            log.error("failed: {}", ex.toString(), ex);
            CliOutput.error(err, ex.toString());
            return EXIT_DELIVERY;
        });
        cl.setExecutionStrategy(parsed -> {
            checkAtStart(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }

    /**
     * Parses {@code args} (and the environment) into {@code command} with the same start-up checks as {@link #run},
     * for serverless handlers that configure themselves from {@code AUDITBRIDGE_*} variables. Bad configuration
     * throws ConfigException.
     */
    public static ParseResult parse(Object command, String... args) {
        CommandLine cl = commandLine(command);
        ParseResult parsed;
        try {
            parsed = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            String message = e.getMessage();
            if (e.getArgSpec() instanceof OptionSpec option && !givenOnCommandLine(option, args)) {
                message = namingVariable(message, option, envSource(cl, option));
            }
            throw new ConfigException(null, message);
        }
        try {
            checkAtStart(parsed);
        } catch (CommandLine.ParameterException e) {
            throw new ConfigException(null, e.getMessage());
        }
        return parsed;
    }

    /** Unknown variables are warned about; placeholder values refused (as a ParameterException: exit 2). */
    static void checkAtStart(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return;
            }
        }
        CommandLine line = leaf.commandSpec().commandLine();
        if (line.getDefaultValueProvider() instanceof EnvDefaults env) {
            for (String warning : env.unknownVariables(leaf.commandSpec())) {
                log.warn(warning);
            }
        }
        refusePlaceholders(leaf, line);
    }

    private static void refusePlaceholders(ParseResult leaf, CommandLine line) {
        EnvDefaults env = line.getDefaultValueProvider() instanceof EnvDefaults e ? e : null;
        for (OptionSpec option : leaf.commandSpec().options()) {
            List<String> given = new ArrayList<>();
            String from = OptionNames.primary(option);
            if (leaf.hasMatchedOption(option)) {
                given.addAll(option.originalStringValues());
            } else if (env != null && env.suppliedBy(option) != null) {
                from = from + " (from " + env.suppliedBy(option) + ")";
                given.add(env.valueOf(option));
            }
            for (String value : given) {
                var placeholder = Placeholders.find(value);
                if (placeholder.isEmpty() && Placeholders.holdsSecretValue(OptionNames.primary(option))) {
                    placeholder = Placeholders.inFile(java.nio.file.Path.of(value));
                    if (placeholder.isPresent()) {
                        throw new CommandLine.ParameterException(line, from + ": " + value + " holds the example placeholder '"
                                + placeholder.get() + "'; put the real value in it");
                    }
                }
                if (placeholder.isPresent()) {
                    throw new CommandLine.ParameterException(line, from + ": '" + placeholder.get()
                            + "' is the placeholder from the examples; set a real value");
                }
            }
        }
    }

    private static boolean givenOnCommandLine(OptionSpec option, String[] args) {
        for (String a : args) {
            for (String n : option.names()) {
                if (a.equals(n) || a.startsWith(n + "=")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String envSource(CommandLine line, OptionSpec option) {
        return line.getDefaultValueProvider() instanceof EnvDefaults env ? env.suppliedBy(option) : null;
    }

    /** {@code message} with the variable named next to the first mention of the option (or in front). */
    static String namingVariable(String message, OptionSpec option, String variable) {
        if (variable == null || message == null || message.contains(variable)) {
            return message;
        }
        List<String> names = new ArrayList<>(List.of(option.names()));
        names.sort((a, b) -> b.length() - a.length());
        for (String n : names) {
            int at = message.indexOf(n);
            if (at >= 0 && (at + n.length() == message.length() || !Character.isLetterOrDigit(message.charAt(at + n.length()))
                    && message.charAt(at + n.length()) != '-')) {
                int end = at + n.length();
                if (end < message.length() && message.charAt(end) == '\'') {
                    end++;
                }
                return message.substring(0, end) + " (from " + variable + ")" + message.substring(end);
            }
        }
        return variable + ": " + message;
    }

    /** The environment variable an option is read from: {@code --batch-max-events} → {@code AUDITBRIDGE_BATCH_MAX_EVENTS}. */
    public static String envName(String longOption) {
        return "AUDITBRIDGE_" + longOption.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * Options fall back to {@code AUDITBRIDGE_*} variables (the option's own, then its aliases'), then to their
     * declared defaults. Remembers which variable supplied which option, so errors can name it.
     */
    public static final class EnvDefaults implements IDefaultValueProvider {
        private static final String PREFIX = "AUDITBRIDGE_";
        private final Function<String, String> env;
        private final Set<String> names;
        private final Map<ArgSpec, String> supplied = Collections.synchronizedMap(new IdentityHashMap<>());

        /** Reads {@code env}; every {@code AUDITBRIDGE_*} key of it is checked against the command's options. */
        public EnvDefaults(Map<String, String> env) {
            this.env = env::get;
            this.names = new TreeSet<>(env.keySet());
        }

        /** Reads variables through a lookup that cannot be listed (no unknown-variable check). */
        public EnvDefaults(Function<String, String> env) {
            this.env = env;
            this.names = Set.of();
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (arg instanceof OptionSpec option) {
                for (String name : OptionNames.envNames(option)) {
                    String value = env.apply(name);
                    if (value != null && !value.isEmpty()) {
                        supplied.put(arg, name);
                        return value;
                    }
                }
            }
            return arg.defaultValue();
        }

        /** The variable the option's value came from, or null. */
        public String suppliedBy(ArgSpec option) {
            return supplied.get(option);
        }

        String valueOf(ArgSpec option) {
            String name = supplied.get(option);
            return name == null ? null : env.apply(name);
        }

        /** One warning per set {@code AUDITBRIDGE_*} variable that no option of {@code spec} reads. */
        List<String> unknownVariables(CommandSpec spec) {
            Set<String> known = new TreeSet<>();
            for (OptionSpec option : spec.options()) {
                known.addAll(OptionNames.envNames(option));
            }
            known.addAll(alsoRead(spec));
            List<String> warnings = new ArrayList<>();
            for (String name : names) {
                if (name.startsWith(PREFIX) && !known.contains(name)) {
                    String close = closest(name, known);
                    warnings.add(name + " is set but '" + spec.qualifiedName() + "' has no such option; it is ignored"
                            + (close == null ? "" : " (did you mean " + close + "?)"));
                }
            }
            return warnings;
        }

        private static Set<String> alsoRead(CommandSpec spec) {
            Set<String> out = new TreeSet<>();
            List<Object> owners = new ArrayList<>();
            owners.add(spec.userObject());
            collectMixins(spec, owners);
            for (Object o : owners) {
                if (o != null) {
                    for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
                        AlsoReadsEnv a = c.getAnnotation(AlsoReadsEnv.class);
                        if (a != null) {
                            out.addAll(List.of(a.value()));
                        }
                    }
                }
            }
            return out;
        }

        private static void collectMixins(CommandSpec spec, List<Object> owners) {
            for (CommandSpec mixin : new LinkedHashMap<>(spec.mixins()).values()) {
                owners.add(mixin.userObject());
                collectMixins(mixin, owners);
            }
        }

        private static String closest(String name, Set<String> known) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String k : known) {
                int d = distance(name, k);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = k;
                }
            }
            return bestDistance <= Math.max(2, name.length() / 6) ? best : null;
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
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
