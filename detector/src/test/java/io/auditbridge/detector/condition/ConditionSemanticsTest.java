package io.auditbridge.detector.condition;

import static io.auditbridge.detector.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.Event;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.rules.RulesException;
import io.auditbridge.detector.rules.RulesLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Must show 2: Falco's operator and field semantics (../shared/notes/detector.md §2). */
class ConditionSemanticsTest {
    private static final String POD = """
            {"verb": "create", "requestURI": "/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&container=a%20b",
             "objectRef": {"subresource": ""},
             "requestObject": {"spec": {"containers": [{"name": "a", "image": "nginx:1.27", "securityContext": {"privileged": false}},
                                                       {"name": "b", "image": "registry:5000/tools/curl@sha256:ab", "securityContext": {"privileged": true}}],
                                        "volumes": [{"name": "h", "hostPath": {"path": "/var/lib/kubelet/pods"}}]}}}
            """;

    static boolean fires(String condition, Event e) {
        String yaml = """
                - list: images
                  items: [nginx, other_images]
                - list: other_images
                  items: ["registry"]
                - macro: m_inner
                  condition: ka.verb in (create, update)
                - macro: m_outer
                  condition: (m_inner and ka.target.resource=pods)
                - rule: r
                  desc: d
                  condition: %s
                  output: o
                  priority: INFO
                  source: k8s_audit
                """.formatted(yamlString(condition));
        return !new Detector(new RulesLoader().load("t.yaml", yaml).build(), "h", Detector.GapListener.NONE).evaluate(e).isEmpty();
    }

    private static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "ka.verb=create | true", "ka.verb==create | true", "ka.verb!=create | false", "ka.verb=CREATE | false",
            "ka.response.code>199 | true", "ka.response.code<300 | true", "ka.response.code>=200 | true",
            "ka.response.code<=199 | false", "ka.response.code startswith 2 | true",
            "ka.user.name contains admin | true", "ka.user.name icontains ADMIN | true", "ka.user.name contains ADMIN | false",
            "ka.user.name endswith -admin | true", "ka.user.name glob 'kube*-?dmin' | true", "ka.user.name glob 'kube' | false",
            "ka.target.name in (web, db) | true", "ka.target.name in () | false",
            "ka.target.name intersects (web) | true",
            "jevt.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/etc, /var/lib/kubelet) | true",
            "jevt.value[/requestObject/spec/volumes/0/hostPath/path] pmatch (/var/lib/kube) | false",
            "ka.uri.param[command]=sh | true", "ka.uri.param[container]='a b' | true", "ka.uri.param[tty] exists | false",
            "ka.req.pod.containers.image[1]=registry:5000/tools/curl@sha256:ab | true",
            "ka.req.pod.containers.image.repository[1]=registry | true",
            "jevt.value[/requestObject/spec/containers/1/name]=b | true", "jevt.value[/objectRef/apiVersion]=v1 | true",
            "jevt.value[/nope] exists | false", "jevt.rawtime exists | true", "jevt.rawtime=0 | false",
            "jevt.rawtime>1796000400000000000 | true",
            // an empty string is a present value
            "ka.target.subresource exists | true", "ka.target.subresource='' | true",
            // a missing value makes a comparison false, so its negation true
            "ka.req.binding.role=admin | false", "not ka.req.binding.role=admin | true", "ka.req.binding.role!=admin | false",
            "ka.impuser.name in (x) | false", "not ka.impuser.name in (x) | true",
            // list fields: in = every value in the set, intersects = any value
            "ka.req.pod.containers.privileged intersects (true) | true", "ka.req.pod.containers.privileged in (true) | false",
            "ka.req.pod.containers.privileged in (true, false) | true",
            "ka.req.pod.containers.image.repository in (images) | true",
            "ka.req.pod.containers.image.repository in (nginx) | false",
            "ka.user.groups intersects (system:masters) | true",
            // nested macros and lists
            "m_outer | true", "not m_outer | false", "m_outer and not m_inner | false",
            "(ka.verb=get or ka.verb=create) and not (ka.target.name=db) | true",
            "not ka.verb=get and ka.verb=create | true", "ka.verb=get or ka.verb=delete or ka.target.name=web | true",
            // transformers
            "toupper(ka.verb)=CREATE | true", "tolower(toupper(ka.verb))=create | true", "len(ka.verb)=6 | true",
            "len(ka.user.groups)=2 | true", "len(ka.req.pod.containers.image)>1 | true", "len(ka.impuser.name) exists | false",
            "basename(jevt.value[/requestObject/spec/volumes/0/hostPath/path])=pods | true",
            "tolower(ka.user.groups) intersects (system:masters) | true", "b64(ka.user.name) exists | false", "b64(jevt.value[/requestObject/spec/containers/0/name])=i | false"})
    void operatorsAndFields(String condition, boolean expected) {
        assertThat(fires(condition, event(POD))).isEqualTo(expected);
    }

    @Test
    void anEventWithoutAuditIdHasNoKaFieldsButStillJevtFields() {
        Event e = event("{\"auditID\": null}");
        assertThat(fires("ka.verb=get", e)).isFalse();
        assertThat(fires("not ka.verb exists", e)).isTrue();
        assertThat(fires("jevt.value[/verb]=get", e)).isTrue();
    }

    @Test
    void aContainerWithoutImageMakesTheImageFieldsUnavailable() {
        Event e = event("{\"requestObject\": {\"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"nginx\"}, {\"name\": \"b\"}]}}}");
        assertThat(fires("ka.req.pod.containers.image exists", e)).isFalse();
        assertThat(fires("not ka.req.pod.containers.image.repository in (nginx)", e)).isTrue();
    }

    @Test
    void aTransformerNeedsAField() {
        assertThatThrownBy(() -> fires("tolower(m_inner)=x", event("{}")))
                .isInstanceOf(RulesException.class).hasMessageContaining("a transformer takes a field, found 'm_inner'");
    }

    @Test
    void listOnlyOperatorsAreEnforcedOnListFields() {
        assertThatThrownBy(() -> fires("ka.user.groups=system:masters", event("{}")))
                .isInstanceOf(RulesException.class)
                .hasMessageContaining("t.yaml:11")
                .hasMessageContaining("operator = cannot be used on list field ka.user.groups");
    }
}
