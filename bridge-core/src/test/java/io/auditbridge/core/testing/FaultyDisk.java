package io.auditbridge.core.testing;

import io.auditbridge.core.io.FileChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file system that fails on purpose, over real files: writes at most {@link #maxBytesPerWrite} bytes per call
 * (short writes), and once {@link #freeBytes} are used up writes what still fits and then throws
 * {@code IOException("No space left on device")}, as a full disk does. Truncation can be made to fail too.
 */
public final class FaultyDisk {
    public final AtomicInteger maxBytesPerWrite = new AtomicInteger(Integer.MAX_VALUE);
    public final AtomicLong freeBytes = new AtomicLong(Long.MAX_VALUE);
    public volatile boolean failTruncate;
    public final AtomicInteger failedWrites = new AtomicInteger();

    public FileChannels channels() {
        return (path, options) -> new Channel(FileChannel.open(path, options));
    }

    /** Makes the disk full from now on. */
    public void fill() {
        freeBytes.set(0);
    }

    public void free() {
        freeBytes.set(Long.MAX_VALUE);
    }

    private final class Channel extends FileChannel {
        private final FileChannel real;

        Channel(FileChannel real) {
            this.real = real;
        }

        private int allowed(ByteBuffer src) throws IOException {
            long free = freeBytes.get();
            if (src.hasRemaining() && free <= 0) {
                failedWrites.incrementAndGet();
                throw new IOException("No space left on device");
            }
            return (int) Math.min(Math.min(src.remaining(), maxBytesPerWrite.get()), free);
        }

        private int writeSome(ByteBuffer src, long position) throws IOException {
            int n = allowed(src);
            ByteBuffer slice = src.slice(src.position(), n);
            int written = position < 0 ? real.write(slice) : real.write(slice, position);
            src.position(src.position() + written);
            freeBytes.addAndGet(-written);
            return written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return writeSome(src, -1);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return writeSome(src, position);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (srcs[i].hasRemaining()) {
                    return total + write(srcs[i]);
                }
            }
            return total;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (failTruncate) {
                throw new IOException("Input/output error");
            }
            real.truncate(size);
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("not supported by the faulty disk");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new IOException("not supported by the faulty disk");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }

}
