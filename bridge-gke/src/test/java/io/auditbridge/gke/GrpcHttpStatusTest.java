package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.audit.AuditLog;
import com.google.logging.v2.LogEntry;
import com.google.protobuf.Any;
import io.auditbridge.core.Event;
import io.auditbridge.core.SourceRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** protoPayload.status (google.rpc code) → responseStatus.code when the response holds no Status body. */
class GrpcHttpStatusTest {
    @ParameterizedTest(name = "{1} with gRPC {0} → HTTP {2}")
    @CsvSource({
            "0,create,201", "0,update,200", "0,delete,200", "0,get,200",
            "3,create,400", "5,delete,404", "6,create,409", "7,create,403", "8,list,429", "16,get,401",
            "4,get,504", "9,update,400", "10,update,409", "13,create,500", "14,get,503", "2,create,500"})
    void mapsTheCodeAsGoogleRpcDefinesIt(int grpc, String verb, int http) throws Exception {
        LogEntry configmap = Fixtures.entry("configmap-create");
        AuditLog audit = configmap.getProtoPayload().unpack(AuditLog.class).toBuilder()
                .setMethodName("io.k8s.core.v1.configmaps." + verb)
                .setStatus(com.google.rpc.Status.newBuilder().setCode(grpc).setMessage("m"))
                .build();
        Event e = new LogEntryTranslator().translate(new SourceRecord<>("gke", null, "x",
                configmap.toBuilder().setProtoPayload(Any.pack(audit)).build())).events().getFirst();

        assertThat(e.json().at("/responseStatus/code").asInt()).isEqualTo(http);
        assertThat(e.json().at("/responseStatus/code").isIntegralNumber()).isTrue();
        assertThat(e.json().at("/responseStatus/status").asText(null)).isEqualTo(grpc == 0 ? null : "Failure");
    }
}
