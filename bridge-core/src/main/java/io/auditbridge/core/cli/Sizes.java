package io.auditbridge.core.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads byte sizes: {@code 1048576}, {@code 512KiB}, {@code 10MiB}, {@code 1GiB} (KB/MB/GB are read as binary too). */
public final class Sizes implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size (e.g. 512KiB, 10MiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit.charAt(0)) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            case 'g' -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }
}
