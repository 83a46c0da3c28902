package io.auditbridge.core.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;

/**
 * A secret read from a file (a mounted Kubernetes Secret), re-read when the file changes so rotation needs no
 * restart. The value never appears in toString or exception messages.
 */
public final class TokenFile implements Supplier<String> {
    private final Path path;
    private FileTime seen;
    private String value;

    public TokenFile(Path path) {
        this.path = path;
    }

    @Override
    public synchronized String get() {
        try {
            FileTime mtime = Files.getLastModifiedTime(path);
            if (value == null || !mtime.equals(seen)) {
                value = Files.readString(path).trim();
                seen = mtime;
            }
            return value;
        } catch (IOException e) {
            if (value != null) {
                return value; // keep the last good token while the mount is being swapped
            }
            throw new UncheckedIOException("cannot read token file " + path, e);
        }
    }

    @Override
    public String toString() {
        return "TokenFile[" + path + "]";
    }
}
