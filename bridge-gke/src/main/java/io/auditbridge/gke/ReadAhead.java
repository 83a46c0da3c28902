package io.auditbridge.gke;

import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.cli.TranslateCommand.RecordConsumer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Parses a saved file on its own thread a few batches ahead of the thread that translates and queues the records,
 * so on two cores reading the next entries as JSON trees overlaps translating these (the trees are half the work).
 * Bounded: at most {@link #DEPTH} batches of {@link #BATCH} records wait, so back-pressure from the pipeline reaches
 * the parser and memory stays flat. Records arrive in order; what the parser throws (malformed JSON after entry N, an
 * I/O error) is thrown to the caller after the records read before it, as if it had run on the caller's thread.
 */
final class ReadAhead {
    static final int BATCH = 64;
    static final int DEPTH = 4;
    private static final Object END = new Object();

    /** The parse, handing each record on as it is read. */
    @FunctionalInterface
    interface Parse<T> {
        void run(RecordConsumer<T> out) throws IOException, InterruptedException;
    }

    private ReadAhead() {}

    static <T> void run(String name, Parse<T> parse, RecordConsumer<T> out) throws IOException, InterruptedException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(DEPTH);
        AtomicBoolean stopped = new AtomicBoolean(); // set before the reader is interrupted
        Thread reader = Thread.ofPlatform().name("gke-read-ahead " + name).daemon().start(() -> {
            List<SourceRecord<T>> batch = new ArrayList<>(BATCH);
            Object last = END;
            try {
                parse.run(record -> {
                    batch.add(record);
                    if (batch.size() == BATCH) {
                        queue.put(List.copyOf(batch));
                        batch.clear();
                    }
                });
            } catch (Throwable failure) {
                last = failure;
            }
            if (stopped.get()) {
                return; // the parse ended because the caller gave up: nobody is waiting
            }
            try {
                if (!batch.isEmpty()) {
                    queue.put(List.copyOf(batch));
                }
                queue.put(last);
            } catch (InterruptedException interrupted) {
                // the caller gave up (its consumer failed): nobody is waiting
            }
        });
        boolean finished = false;
        try {
            for (Object item; (item = queue.take()) != END; ) {
                if (item instanceof List<?> records) {
                    for (Object r : records) {
                        @SuppressWarnings("unchecked")
                        SourceRecord<T> record = (SourceRecord<T>) r;
                        out.accept(record);
                    }
                } else {
                    finished = true;
                    rethrow((Throwable) item);
                }
            }
            finished = true;
        } finally {
            if (finished) {
                reader.join();
            } else {
                stopped.set(true);
                reader.interrupt(); // blocked on the queue; one blocked reading the input ends when the caller closes it
            }
        }
    }

    private static void rethrow(Throwable t) throws IOException, InterruptedException {
        if (t instanceof IOException e) {
            throw e;
        }
        if (t instanceof InterruptedException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
