package io.auditbridge.eks.bench;

import com.amazonaws.services.lambda.runtime.events.CloudWatchLogsEvent;
import io.auditbridge.eks.EksLambdaHandler;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/**
 * Measures the Lambda handler's cold start locally: JVM start → handler constructed (what Lambda's init phase
 * runs) → first invocation done. Run in a fresh JVM with the runnable jar and the test classes, e.g.
 * {@code AUDITBRIDGE_SINK=console java -cp bridge-eks/target/bridge-eks.jar:bridge-eks/target/test-classes
 * io.auditbridge.eks.bench.LambdaColdStart}; add {@code -verbose:class} to check that no CloudWatch Logs client
 * class is loaded.
 */
public final class LambdaColdStart {
    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.currentTimeMillis();
        EksLambdaHandler handler = new EksLambdaHandler();
        long t1 = System.currentTimeMillis();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(("{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"111122223333\",\"logGroup\":\"/aws/eks/demo/cluster\","
                    + "\"logStream\":\"kube-apiserver-audit-0a1b\",\"subscriptionFilters\":[\"auditbridge\"],\"logEvents\":[{\"id\":\"1\","
                    + "\"timestamp\":1796000400000,\"message\":" + quote(TranslateBench.eventLine(1)) + "}]}").getBytes());
        }
        CloudWatchLogsEvent event = new CloudWatchLogsEvent()
                .withAwsLogs(new CloudWatchLogsEvent.AWSLogs().withData(Base64.getEncoder().encodeToString(gz.toByteArray())));
        String result = handler.handleRequest(event, null);
        long t2 = System.currentTimeMillis();
        System.err.printf("jvm start -> main: %d ms; handler init: %d ms; first invocation: %d ms; total %d ms (%s)%n",
                t0 - jvmStart, t1 - t0, t2 - t1, t2 - jvmStart, result);
        System.exit(0);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
