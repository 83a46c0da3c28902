package io.auditbridge.core.cli;

/** A configuration value is unusable; the message is one line naming the option and what is wrong. */
public class ConfigException extends RuntimeException {
    private final String option;

    public ConfigException(String option, String problem) {
        super(option == null ? problem : option + ": " + problem);
        this.option = option == null || option.isBlank() ? null : option.strip().split("\\s+")[0];
    }

    /** The option named (its first word: "--sink embedded" names --sink), or null. */
    public String option() {
        return option;
    }
}
