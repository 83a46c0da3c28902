package io.auditbridge.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How an option's names are used: the first long name in {@code names = {...}} is the flag documented and the one
 * its {@code AUDITBRIDGE_*} variable is named after; further long names are hidden aliases, kept so old command
 * lines and manifests keep working (their variables are still read).
 */
public final class OptionNames {
    private OptionNames() {}

    /** The documented flag: the first long name, else the longest name. */
    public static String primary(OptionSpec option) {
        for (String n : option.names()) {
            if (n.startsWith("--")) {
                return n;
            }
        }
        return option.longestName();
    }

    /** Long names after the first: old flag names kept working but not shown. */
    public static List<String> aliases(OptionSpec option) {
        List<String> out = new ArrayList<>();
        String primary = primary(option);
        for (String n : option.names()) {
            if (n.startsWith("--") && !n.equals(primary)) {
                out.add(n);
            }
        }
        return out;
    }

    /** The option's variable, or null for help/version (they are not configuration). */
    public static String envName(OptionSpec option) {
        if (option.usageHelp() || option.versionHelp() || !primary(option).startsWith("--")) {
            return null;
        }
        return BridgeCli.envName(primary(option));
    }

    /** Every variable the option is read from: its own first, then its aliases'. */
    public static List<String> envNames(OptionSpec option) {
        List<String> out = new ArrayList<>();
        String own = envName(option);
        if (own != null) {
            out.add(own);
            aliases(option).forEach(a -> out.add(BridgeCli.envName(a)));
        }
        return out;
    }

    /**
     * Replaces {@code primary}'s option in {@code spec} with a copy changed by {@code change}, bound to the same
     * field. For a command that mixes in a shared options class but keeps its own old flag names or defaults
     * (from the command's {@code modelTransformer}). An unknown {@code primary} is a programming error.
     */
    public static void adapt(CommandSpec spec, String primary, UnaryOperator<OptionSpec.Builder> change) {
        OptionSpec option = spec.findOption(primary);
        if (option == null || !primary(option).equals(primary)) {
            throw new IllegalArgumentException(spec.qualifiedName() + " has no option " + primary);
        }
        spec.remove(option);
        spec.addOption(change.apply(option.toBuilder()).build());
    }

    /**
     * Adds hidden aliases to {@code primary}'s option: old names kept working (their variables too) while
     * {@code --help} shows {@code primary} only.
     */
    public static void addAliases(CommandSpec spec, String primary, String... aliases) {
        adapt(spec, primary, b -> {
            List<String> names = new ArrayList<>(List.of(b.names()));
            names.addAll(List.of(aliases));
            return b.names(names.toArray(String[]::new));
        });
    }
}
