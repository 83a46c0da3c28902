package io.auditbridge.core.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory all requests of one receiver may hold at once, in bytes: the body on the wire, the body after
 * gzip/deflate, and the JSON nodes a handler builds from it (charged as they are built, see
 * {@link Lease#nodeFactory()}). Charged before the memory is taken, so a request that would go beyond it waits
 * briefly and is then answered 503 (others hold the budget; retry) or 413 (it alone is larger than the
 * budget). Sized like the pipeline's in-flight byte bound: request bodies and events in flight are each bounded.
 */
public final class RequestBudget {
    /** Thrown from a charge when the budget is full for longer than the wait: answered 503 with Retry-After. */
    public static final class BusyException extends RuntimeException {
        BusyException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Thrown from a charge when the request alone exceeds a limit: answered 413. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String reason) {
            super(reason, null, false, false);
        }
    }

    private final long capacity;
    private final long waitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long used;

    /**
     * @param capacity  bytes all requests may hold together
     * @param waitMillis how long a charge waits for others to release before it fails with {@link BusyException}
     */
    public RequestBudget(long capacity, long waitMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("request budget must be >= 1 byte: " + capacity);
        }
        this.capacity = capacity;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
    }

    /** A budget that never refuses (handlers called outside a receiver, e.g. in tests). */
    public static Lease unlimited() {
        return new RequestBudget(Long.MAX_VALUE / 4, 0).lease(Long.MAX_VALUE / 4);
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes held by all requests now. */
    public long used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** A lease for one request, which may hold at most {@code requestLimit} bytes (and never more than the budget). */
    public Lease lease(long requestLimit) {
        return new Lease(Math.min(requestLimit, capacity));
    }

    private void acquire(long bytes, long heldByRequest, long requestLimit) {
        if (heldByRequest + bytes > requestLimit) {
            throw new TooLargeException("request needs more than " + requestLimit + " bytes of memory (body, decoded body and parsed JSON)");
        }
        long deadline = System.nanoTime() + waitNanos;
        lock.lock();
        try {
            while (used + bytes > capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new BusyException("receiver busy: requests hold " + used + " of " + capacity + " bytes; retry");
                }
                try {
                    released.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BusyException("receiver stopping");
                }
            }
            used += bytes;
        } finally {
            lock.unlock();
        }
    }

    private void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        lock.lock();
        try {
            used -= bytes;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What one request holds; {@link #close()} returns all of it. Used by one thread at a time. */
    public final class Lease implements AutoCloseable {
        private final long limit;
        private long held;
        private boolean closed;
        private ChargingNodeFactory nodes;

        private Lease(long limit) {
            this.limit = limit;
        }

        /** Takes {@code bytes} more, waiting briefly; throws {@link BusyException} or {@link TooLargeException}. */
        public void charge(long bytes) {
            if (bytes <= 0) {
                return;
            }
            if (closed) {
                throw new IllegalStateException("lease closed");
            }
            acquire(bytes, held, limit);
            held += bytes;
        }

        /** Gives back what was charged beyond {@code mark} (a value of {@link #held()} taken earlier). */
        public void releaseTo(long mark) {
            if (held > mark) {
                release(held - mark);
                held = mark;
            }
        }

        public long held() {
            return held;
        }

        /** The request's own limit. */
        public long limit() {
            return limit;
        }

        /** A Jackson node factory that charges each node it creates to this lease (see {@link ChargingNodeFactory}). */
        public ChargingNodeFactory nodeFactory() {
            if (nodes == null) {
                nodes = new ChargingNodeFactory(this);
            }
            return nodes;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(held);
                held = 0;
            }
        }
    }
}
