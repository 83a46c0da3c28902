package io.auditbridge.core.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.auditbridge.core.Event;
import io.auditbridge.core.io.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * The dead-letter file: NDJSON, one object per line with {@code time}, {@code reason} and either the
 * {@code event} or the failed {@code record}. Appends are forced to disk before returning, because a
 * dead-lettered event counts as done and its position may be committed right after.
 *
 * <p>A failed append never leaves a torn line: the file is truncated back to where the line began, or, when
 * even that fails, the next line starts on a fresh line. The file is capped: past {@code maxBytes} it rotates to
 * {@code NAME.1 … NAME.<maxFiles>}; when every rotated file is still there it is full and appends throw
 * {@link DeadLetterFullException} (the pipeline then stops accepting: back-pressure, 503) rather than delete a
 * dead letter or fill the disk. Moving the rotated files away makes room again.
 */
public final class DeadLetterFile implements DeadLetters {
    /** No cap: one file that grows. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final Path path;
    private final Clock clock;
    private final FileChannels channels;
    private final long maxBytes;
    private final int maxFiles;
    private FileChannel channel;
    /** A failed append may have left a partial line that truncation could not remove. */
    private boolean needsNewline;

    public DeadLetterFile(Path path, Clock clock) {
        this(path, clock, FileChannels.DEFAULT, UNLIMITED, 0);
    }

    /**
     * @param maxBytes size at which the file rotates ({@link #UNLIMITED} for none)
     * @param maxFiles rotated files kept before the file counts as full
     */
    public DeadLetterFile(Path path, Clock clock, FileChannels channels, long maxBytes, int maxFiles) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("dead-letter max bytes must be >= 1: " + maxBytes);
        }
        if (maxFiles < 0) {
            throw new IllegalArgumentException("dead-letter max files must be >= 0: " + maxFiles);
        }
        this.path = path;
        this.clock = clock;
        this.channels = channels;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    /** Thrown when the file and all its rotations are at the cap. */
    public static final class DeadLetterFullException extends IOException {
        DeadLetterFullException(String message) {
            super(message);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void event(Event event, String reason) throws IOException {
        append(DeadLetterLines.event(g -> header(g, reason), event));
    }

    @Override
    public synchronized void record(String source, String recordId, String reason, String payload) throws IOException {
        append(DeadLetterLines.record(g -> header(g, reason), source, recordId, payload));
    }

    private void header(JsonGenerator g, String reason) throws IOException {
        g.writeStringField("time", clock.instant().toString());
        g.writeStringField("reason", reason);
    }

    private void append(byte[] bytes) throws IOException {
        open();
        long start = channel.size();
        if (start > 0 && start + bytes.length > maxBytes) {
            rotate();
            open();
            start = channel.size();
        }
        ByteBuffer buf;
        if (needsNewline && start > 0) {
            buf = ByteBuffer.allocate(bytes.length + 1).put((byte) '\n').put(bytes).flip();
        } else {
            buf = ByteBuffer.wrap(bytes);
        }
        try {
            FileChannels.writeFully(channel, buf);
            channel.force(false);
            needsNewline = false;
        } catch (IOException e) {
            discardPartial(start);
            throw e;
        }
    }

    /** Cuts a failed append off again; if that fails too, the next line begins with a newline instead. */
    private void discardPartial(long start) {
        try {
            if (channel.size() > start) {
                channel.truncate(start);
                channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            needsNewline = true;
        }
    }

    private void open() throws IOException {
        if (channel == null) {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // WRITE without APPEND: the position is set to the end before each line, and truncate works.
            channel = channels.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.position(channel.size());
        }
    }

    /** NAME → NAME.1 → … → NAME.maxFiles; refuses (full) when the last one is still there. */
    private void rotate() throws IOException {
        if (maxFiles == 0 || Files.exists(rotated(maxFiles))) {
            throw new DeadLetterFullException("dead-letter file " + path + " is full (" + maxBytes + " bytes × "
                    + (maxFiles + 1) + " files); move the rotated files away to make room");
        }
        channel.close();
        channel = null;
        for (int i = maxFiles - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1));
            }
        }
        Files.move(path, rotated(1));
        needsNewline = false;
    }

    private Path rotated(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
