package io.auditbridge.gke.pubsub;

import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the subscriber's real gRPC traffic with the emulator: which message each ack id stands for (from the
 * StreamingPull responses), when an {@code Acknowledge} carrying it was sent, which acks the emulator answered OK,
 * and which messages were nacked ({@code ModifyAckDeadline} to 0). This is what Pub/Sub itself saw, not what our
 * code says it did. Optionally appends each confirmed ack's message id to a file (one write per RPC, so a
 * SIGKILLed process leaves every confirmed ack on disk).
 */
public final class AckObserver implements ClientInterceptor {
    private final Map<String, String> messageOfAckId = new ConcurrentHashMap<>();
    private final Map<String, Long> ackSentAt = new ConcurrentHashMap<>();
    private final Set<String> ackConfirmed = ConcurrentHashMap.newKeySet();
    private final Set<String> nacked = ConcurrentHashMap.newKeySet();
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final Path confirmedFile;
    private final Path sentFile;

    public AckObserver() {
        this(null);
    }

    /** @param confirmedFile gets each ack Pub/Sub answered OK; {@code <confirmedFile>.sent} each ack sent */
    public AckObserver(Path confirmedFile) {
        this.confirmedFile = confirmedFile;
        this.sentFile = confirmedFile == null ? null : confirmedFile.resolveSibling(confirmedFile.getFileName() + ".sent");
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String name = method.getFullMethodName();
        ClientCall<Q, R> call = next.newCall(method, options);
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            private final List<String> acking = new ArrayList<>();

            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onMessage(R message) {
                        if (message instanceof StreamingPullResponse r) {
                            for (ReceivedMessage m : r.getReceivedMessagesList()) {
                                String id = m.getMessage().getMessageId();
                                messageOfAckId.put(m.getAckId(), id);
                                received.add(id);
                            }
                        }
                        super.onMessage(message);
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        if (status.isOk() && !acking.isEmpty()) {
                            confirmed(acking);
                        }
                        super.onClose(status, trailers);
                    }
                }, headers);
            }

            @Override
            public void sendMessage(Q message) {
                if (message instanceof AcknowledgeRequest a) {
                    long now = System.nanoTime();
                    for (String ackId : a.getAckIdsList()) {
                        String id = messageOfAckId.getOrDefault(ackId, "?" + ackId);
                        ackSentAt.putIfAbsent(id, now);
                        acking.add(id);
                    }
                    append(sentFile, acking);
                } else if (message instanceof ModifyAckDeadlineRequest m && m.getAckDeadlineSeconds() == 0) {
                    for (String ackId : m.getAckIdsList()) {
                        nacked.add(messageOfAckId.getOrDefault(ackId, "?" + ackId));
                    }
                }
                super.sendMessage(message);
            }
        };
    }

    private void confirmed(List<String> ids) {
        ackConfirmed.addAll(ids);
        append(confirmedFile, ids);
    }

    private static void append(Path file, List<String> ids) {
        if (file != null && !ids.isEmpty()) {
            try {
                Files.writeString(file, String.join("\n", ids) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** nanoTime the first Acknowledge carrying this message was sent, or null when it never was. */
    public Long ackSentAt(String messageId) {
        return ackSentAt.get(messageId);
    }

    public Set<String> acked() {
        return ackConfirmed;
    }

    public Set<String> nacked() {
        return nacked;
    }

    public Set<String> received() {
        return received;
    }
}
