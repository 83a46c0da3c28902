package io.auditbridge.core.http;

import java.time.Duration;

/**
 * A receiver whose handler throws an {@link Error} (mode {@code handler}), or a process whose thread without a
 * handler of its own dies of one (mode {@code thread}, as the JDK HTTP server's dispatcher would): run as a
 * subprocess by {@link FatalErrorTest}, which expects the process to end with {@code FatalErrors.EXIT_CODE}.
 */
public final class FatalErrorMain {
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        HttpReceiver receiver = HttpReceiver.start(HttpReceiverConfig.builder().host("127.0.0.1").port(port).path("/in")
                .requestTimeout(Duration.ofSeconds(5)).build(), request -> {
                    if (mode.equals("handler")) {
                        throw new OutOfMemoryError("simulated: the request's tree did not fit");
                    }
                    return HandlerResponse.text(200, "ok");
                });
        if (mode.equals("thread")) {
            Thread.ofPlatform().name("HTTP-Dispatcher-simulated").start(() -> {
                throw new StackOverflowError("simulated");
            });
        }
        Thread.sleep(Duration.ofMinutes(2));
        receiver.close();
    }
}
