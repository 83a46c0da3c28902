package io.auditbridge.core.cli;

import java.lang.reflect.Member;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --help} with one heading per {@link HelpGroup.Section} (see {@link HelpGroup} for the scheme), each option
 * shown under its first long name only (further long names are hidden aliases kept for old configurations) and
 * with the {@code AUDITBRIDGE_*} variable it is also read from. The synopsis is abbreviated to {@code [OPTIONS]}:
 * the sections below it are the reference.
 */
public final class HelpSections {
    /** Wide enough that most options and their variable fit on one or two lines, narrow enough for a terminal. */
    static final int WIDTH = 110;

    private HelpSections() {}

    /** Installs the sectioned option list on {@code cl} and every subcommand. */
    public static void install(CommandLine cl) {
        cl.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        if (System.getProperty("picocli.usage.width") == null) {
            cl.getCommandSpec().usageMessage().width(WIDTH);
        }
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpSections::optionList);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING, help -> "");
        for (CommandLine sub : cl.getSubcommands().values()) {
            install(sub);
        }
    }

    static String optionList(Help help) {
        Map<HelpGroup.Section, List<OptionSpec>> bySection = sections(help.commandSpec());
        StringBuilder out = new StringBuilder();
        for (var e : bySection.entrySet()) {
            Help.Layout layout = help.createDefaultLayout();
            for (OptionSpec option : e.getValue()) {
                layout.addOption(forDisplay(option), help.parameterLabelRenderer());
            }
            out.append(String.format("%n%s:%n", e.getKey().heading())).append(layout);
        }
        return out.toString();
    }

    /** The visible options of {@code spec} by section, sections in display order, options by name. */
    public static Map<HelpGroup.Section, List<OptionSpec>> sections(CommandSpec spec) {
        Map<HelpGroup.Section, List<OptionSpec>> out = new EnumMap<>(HelpGroup.Section.class);
        for (OptionSpec option : spec.options()) {
            if (!option.hidden()) {
                out.computeIfAbsent(section(option), s -> new ArrayList<>()).add(option);
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(o -> OptionNames.primary(o).replaceFirst("^-+", ""))));
        return out;
    }

    /** The option's own {@code @HelpGroup}, else its declaring class's, else OTHER (help and version: OPERATIONS). */
    public static HelpGroup.Section section(OptionSpec option) {
        Object element = option.userObject();
        if (element instanceof java.lang.reflect.AnnotatedElement a && a.getAnnotation(HelpGroup.class) != null) {
            return a.getAnnotation(HelpGroup.class).value();
        }
        if (element instanceof Member m) {
            Class<?> owner = m.getDeclaringClass();
            if (owner.getAnnotation(HelpGroup.class) != null) {
                return owner.getAnnotation(HelpGroup.class).value();
            }
            if (owner.getName().startsWith("picocli.")) {
                return HelpGroup.Section.OPERATIONS;
            }
        }
        if (option.usageHelp() || option.versionHelp()) {
            return HelpGroup.Section.OPERATIONS;
        }
        return HelpGroup.Section.OTHER;
    }

    /** A copy showing only the option's short and first long name, its description ending with its variable. */
    static OptionSpec forDisplay(OptionSpec option) {
        List<String> names = new ArrayList<>();
        for (String n : option.names()) {
            if (!n.startsWith("--")) {
                names.add(n);
            }
        }
        names.add(OptionNames.primary(option));
        String[] description = option.renderedDescription();
        String env = OptionNames.envName(option);
        if (env != null && Arrays.stream(description).noneMatch(l -> l.contains(env))) {
            description = Arrays.copyOf(description, Math.max(1, description.length));
            int last = description.length - 1;
            String text = description[last] == null ? "" : description[last].strip();
            description[last] = (text.isEmpty() ? "" : text + " ") + "Env: " + env + ".";
        }
        return option.toBuilder().names(names.toArray(String[]::new)).description(description).build();
    }
}
