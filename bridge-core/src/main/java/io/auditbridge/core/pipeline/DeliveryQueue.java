package io.auditbridge.core.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off between submitting threads and the delivery thread. An event counts as in flight from
 * {@link #put} until {@link #release}; {@code put} blocks while the in-flight count or bytes are at their bound,
 * which is what slows a source down when the sink is slow (memory stays bounded).
 *
 * <p>Each waiter has its own condition and is woken only when what it waits for may have happened: a delivery
 * thread when the buffer gets its first event, fills a batch, or is flushed; a submitter when room was freed;
 * an idle waiter when nothing is left in flight. (One shared condition signalled on every put and release woke
 * the delivery thread once per event and the submitter once per acknowledged event.) Several delivery threads
 * may take batches at once.
 */
final class DeliveryQueue {
    private final ReentrantLock lock = new ReentrantLock();
    /** Submitters waiting for room. */
    private final Condition room = lock.newCondition();
    /** Delivery threads waiting for a batch to be due. */
    private final Condition work = lock.newCondition();
    /** {@link #awaitIdle} callers. */
    private final Condition idle = lock.newCondition();
    private final Batcher batcher;
    private final int maxInFlightEvents;
    private final long maxInFlightBytes;
    private final Clock clock;
    private long inFlightEvents;
    private long inFlightBytes;
    private boolean flushRequested;
    private boolean closed;
    private boolean intakeClosed;
    private long shutdownDeadlineNanos;
    private boolean shuttingDown;

    DeliveryQueue(BatchLimits limits, int maxInFlightEvents, long maxInFlightBytes, Clock clock) {
        if (maxInFlightEvents < 1) {
            throw new IllegalArgumentException("max in-flight events must be >= 1: " + maxInFlightEvents);
        }
        if (maxInFlightBytes < limits.maxEventBytes()) {
            throw new IllegalArgumentException("max in-flight bytes must be >= the largest event (" + limits.maxEventBytes() + "): " + maxInFlightBytes);
        }
        this.batcher = new Batcher(limits);
        this.maxInFlightEvents = maxInFlightEvents;
        this.maxInFlightBytes = maxInFlightBytes;
        this.clock = clock;
    }

    /**
     * Adds an event, blocking while the in-flight bound is reached. One event always fits an empty pipeline.
     * Returns false, without adding it, once {@link #closeIntake} was called (a waiting put returns at once).
     */
    boolean put(PendingEvent e) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!closed && !intakeClosed && inFlightEvents > 0
                    && (inFlightEvents + 1 > maxInFlightEvents || inFlightBytes + e.size() > maxInFlightBytes)) {
                room.await();
            }
            if (intakeClosed) {
                return false;
            }
            if (closed) {
                throw new IllegalStateException("pipeline is closed");
            }
            inFlightEvents++;
            inFlightBytes += e.size();
            boolean wasEmpty = batcher.isEmpty();
            boolean wasFull = batcher.isFull();
            batcher.add(e, clock.millis());
            // An empty buffer's waiters sleep without a deadline: the first event starts the age clock. A full
            // batch is due now. Otherwise a waiting delivery thread wakes by itself when the oldest event is due.
            if (wasEmpty || (!wasFull && batcher.isFull())) {
                work.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stopping: refuses further puts (and wakes those waiting for room), sends what is buffered, and cuts every
     * {@link #awaitIdle} short at {@code deadlineNanos} ({@link System#nanoTime()} based).
     */
    void closeIntake(long deadlineNanos) {
        lock.lock();
        try {
            intakeClosed = true;
            if (!shuttingDown || deadlineNanos - shutdownDeadlineNanos < 0) {
                shutdownDeadlineNanos = deadlineNanos;
            }
            shuttingDown = true;
            flushRequested = true;
            signalEveryone();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch to deliver, waiting until one is due (by count, bytes, age, or a flush); null once the
     * queue is closed and empty.
     */
    List<PendingEvent> nextBatch() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                long now = clock.millis();
                if (batcher.isDue(now) || ((flushRequested || closed) && !batcher.isEmpty())) {
                    List<PendingEvent> batch = batcher.take();
                    if (batcher.isEmpty()) {
                        flushRequested = false;
                    } else if (batcher.isDue(now) || flushRequested || closed) {
                        // More is due than one batch: hand it to another delivery thread, if one waits.
                        work.signal();
                    }
                    return batch;
                }
                if (closed) {
                    return null;
                }
                long wait = batcher.millisUntilDue(now);
                if (wait == Long.MAX_VALUE) {
                    work.await();
                } else {
                    work.await(Math.max(1, wait), TimeUnit.MILLISECONDS);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The event is done (acknowledged, dead-lettered or given up): its room is free again. */
    void release(PendingEvent e) {
        lock.lock();
        try {
            inFlightEvents--;
            inFlightBytes -= e.size();
            released();
        } finally {
            lock.unlock();
        }
    }

    /** Every event of {@code done} is done (an acknowledged batch): their room is free again, with one wake-up. */
    public void release(List<PendingEvent> done) {
        if (done.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (PendingEvent e : done) {
                inFlightEvents--;
                inFlightBytes -= e.size();
            }
            released();
        } finally {
            lock.unlock();
        }
    }

    private void released() {
        room.signalAll();
        if (inFlightEvents == 0) {
            idle.signalAll();
        }
    }

    private void signalEveryone() {
        room.signalAll();
        work.signalAll();
        idle.signalAll();
    }

    /** Sends whatever is buffered now, without waiting for the batch to fill or age. */
    void flush() {
        lock.lock();
        try {
            flushRequested = true;
            if (!batcher.isEmpty()) {
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is in flight; false when {@code timeout} (or the shutdown deadline) passed first. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
        lock.lockInterruptibly();
        try {
            flushRequested = true;
            if (!batcher.isEmpty()) {
                work.signal();
            }
            while (inFlightEvents > 0) {
                long until = shuttingDown && shutdownDeadlineNanos - deadline < 0 ? shutdownDeadlineNanos : deadline;
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** No more puts; the delivery thread drains what is buffered, then gets null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            signalEveryone();
        } finally {
            lock.unlock();
        }
    }

    /** Removes what was never handed to the delivery thread (hard stop). */
    List<PendingEvent> drainUnsent() {
        lock.lock();
        try {
            return batcher.drainAll();
        } finally {
            lock.unlock();
        }
    }

    long inFlightEvents() {
        lock.lock();
        try {
            return inFlightEvents;
        } finally {
            lock.unlock();
        }
    }

    long inFlightBytes() {
        lock.lock();
        try {
            return inFlightBytes;
        } finally {
            lock.unlock();
        }
    }

    int maxInFlightEvents() {
        return maxInFlightEvents;
    }

    long maxInFlightBytes() {
        return maxInFlightBytes;
    }
}
