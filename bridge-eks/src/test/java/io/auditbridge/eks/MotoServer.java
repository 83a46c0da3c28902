package io.auditbridge.eks;

import io.auditbridge.core.testing.ServiceProcess;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * moto's standalone server ({@code moto_server -H 127.0.0.1 -p N}), the AWS mock of the Python ecosystem: a
 * CloudWatch Logs implementation nobody here wrote. Started per test class on a free port and stopped after;
 * tests skip when it is not installed, and fail instead when {@code CI=true} ({@code .ci/setup.d/moto.sh}
 * installs it there).
 */
final class MotoServer implements AutoCloseable {
    static final String REGION = "us-east-1";
    /** moto accepts any credentials; the bridge's subprocess gets the same through the environment. */
    static final String ACCESS_KEY = "AKIAMOTOTESTING00001";
    static final String SECRET_KEY = "moto-testing-secret";

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts moto_server, or skips the calling test (fails it under CI) when there is none. */
    static MotoServer startOrSkip() throws IOException, InterruptedException {
        String executable = find();
        if (executable == null) {
            ServiceProcess.absent("moto_server", "not found on the PATH (pip install 'moto[server]'; .ci/setup.d/moto.sh)");
        }
        int port = ServiceProcess.freeLoopbackPort();
        Path log = Files.createTempFile("moto-server", ".log");
        Process p = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoServer moto = new MotoServer(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!moto.listening()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String out = Files.readString(log);
                moto.close();
                fail("moto_server did not start: " + out.substring(Math.max(0, out.length() - 2000)));
            }
            Thread.sleep(100);
        }
        return moto;
    }

    private static String find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, "moto_server");
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }


    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    CloudWatchLogsClient client() {
        return CloudWatchLogsClient.builder().endpointOverride(URI.create(endpoint())).region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }
}
