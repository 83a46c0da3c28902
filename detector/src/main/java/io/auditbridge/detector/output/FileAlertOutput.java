package io.auditbridge.detector.output;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Appends NDJSON alerts to a file (created when absent). */
public final class FileAlertOutput extends NdjsonAlertOutput {
    private final OutputStream file;

    private FileAlertOutput(OutputStream file, Path path) {
        super(file, "file:" + path);
        this.file = file;
    }

    public static FileAlertOutput open(Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            return new FileAlertOutput(Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open alerts file " + path, e);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
