package io.auditbridge.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * How the checkpoint and dead-letter files open their channels: the seam through which tests put a file system
 * that writes short or fills up, so the failure paths run against real faults rather than reasoning.
 */
@FunctionalInterface
public interface FileChannels {
    FileChannel open(Path path, OpenOption... options) throws IOException;

    /** The real file system. */
    FileChannels DEFAULT = FileChannel::open;

    /**
     * Writes every remaining byte of {@code buf}: a {@code FileChannel} may write fewer bytes than asked (a full
     * disk, a signal), and one short write must not end up as a truncated file.
     */
    static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }
}
