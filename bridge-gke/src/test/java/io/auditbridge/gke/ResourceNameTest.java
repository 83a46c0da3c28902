package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceNameTest {
    /** resourceName | group | namespace | resource | name | subresource | request URI ("-" = null). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "core/v1/namespaces/default/pods/p|-|default|pods|p|-|/api/v1/namespaces/default/pods/p",
            "core/v1/namespaces/default/pods|-|default|pods|-|-|/api/v1/namespaces/default/pods",
            "core/v1/nodes/n1|-|-|nodes|n1|-|/api/v1/nodes/n1",
            "core/v1/nodes|-|-|nodes|-|-|/api/v1/nodes",
            "core/v1/namespaces|-|-|namespaces|-|-|/api/v1/namespaces",
            "core/v1/namespaces/ns1|-|ns1|namespaces|ns1|-|/api/v1/namespaces/ns1",
            "core/v1/namespaces/ns1/status|-|ns1|namespaces|ns1|status|/api/v1/namespaces/ns1/status",
            "core/v1/namespaces/ns1/finalize|-|ns1|namespaces|ns1|finalize|/api/v1/namespaces/ns1/finalize",
            "core/v1/namespaces/d/pods/p/exec/p|-|d|pods|p|exec|/api/v1/namespaces/d/pods/p/exec",
            "core/v1/namespaces/d/pods/p/attach/p|-|d|pods|p|attach|/api/v1/namespaces/d/pods/p/attach",
            "core/v1/namespaces/d/pods/p/portforward|-|d|pods|p|portforward|/api/v1/namespaces/d/pods/p/portforward",
            "core/v1/namespaces/d/pods/p/status|-|d|pods|p|status|/api/v1/namespaces/d/pods/p/status",
            "core/v1/namespaces/d/pods/p/log|-|d|pods|p|log|/api/v1/namespaces/d/pods/p/log",
            "core/v1/namespaces/d/pods/p/eviction|-|d|pods|p|eviction|/api/v1/namespaces/d/pods/p/eviction",
            "core/v1/namespaces/d/pods/p/ephemeralcontainers|-|d|pods|p|ephemeralcontainers|/api/v1/namespaces/d/pods/p/ephemeralcontainers",
            "core/v1/namespaces/d/pods/p/binding|-|d|pods|p|binding|/api/v1/namespaces/d/pods/p/binding",
            "core/v1/namespaces/d/serviceaccounts/sa/token|-|d|serviceaccounts|sa|token|/api/v1/namespaces/d/serviceaccounts/sa/token",
            "core/v1/namespaces/d/pods/p/proxy/healthz|-|d|pods|p|proxy|/api/v1/namespaces/d/pods/p/proxy/healthz",
            "core/v1/namespaces/d/services/s/proxy/api/v1/x|-|d|services|s|proxy|/api/v1/namespaces/d/services/s/proxy/api/v1/x",
            "core/v1/nodes/n1/proxy/metrics/cadvisor|-|-|nodes|n1|proxy|/api/v1/nodes/n1/proxy/metrics/cadvisor",
            "core/v1/nodes/n1/status|-|-|nodes|n1|status|/api/v1/nodes/n1/status",
            "rbac.authorization.k8s.io/v1/clusterroles/x|rbac.authorization.k8s.io|-|clusterroles|x|-|/apis/rbac.authorization.k8s.io/v1/clusterroles/x",
            "rbac.authorization.k8s.io/v1/clusterroles|rbac.authorization.k8s.io|-|clusterroles|-|-|/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "apps/v1/namespaces/d/deployments/web/scale|apps|d|deployments|web|scale|/apis/apps/v1/namespaces/d/deployments/web/scale",
            "extensions/v1beta1/namespaces/d/deployments/web|extensions|d|deployments|web|-|/apis/extensions/v1beta1/namespaces/d/deployments/web",
            "certificates.k8s.io/v1/certificatesigningrequests/csr-1/approval|certificates.k8s.io|-|certificatesigningrequests|csr-1|approval|/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-1/approval",
    })
    void parsesEveryShapeGkeWrites(String in, String group, String ns, String resource, String name, String sub, String uri) {
        ResourceName rn = ResourceName.parse(in);
        assertThat(rn).as(in).isNotNull();
        assertThat(rn.group()).isEqualTo(group.equals("-") ? "" : group);
        assertThat(rn.namespace()).isEqualTo(orNull(ns));
        assertThat(rn.resource()).isEqualTo(resource);
        assertThat(rn.name()).isEqualTo(orNull(name));
        assertThat(rn.subresource()).isEqualTo(orNull(sub));
        assertThat(rn.apiPath()).isEqualTo(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "version", "openapi/v2", "core/v1", "core/latest/pods", "core//pods", "/core/v1/pods", "core/v1/pods/"})
    void rejectsNamesKubeApiserverWouldNotRoute(String in) {
        assertThat(ResourceName.parse(in)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"version,*", "core/v1,*/*", "'',empty", "a/namespaces/b,*/namespaces/*"})
    void shapesHideNames(String in, String shape) {
        assertThat(LogEntryTranslator.shape(in)).isEqualTo(shape);
    }

    private static String orNull(String s) {
        return s.equals("-") ? null : s;
    }

    @Test
    void versionsAreWhatKubernetesAccepts() {
        java.util.regex.Pattern reference = java.util.regex.Pattern.compile("v\\d+(?:(?:alpha|beta)\\d+)?");
        for (String v : List.of("v1", "v2", "v10", "v1beta1", "v2alpha12", "v1beta", "v1alpha", "vbeta1", "v", "", "1",
                "V1", "v1gamma1", "v1beta1x", "v1 ", "x1", "v1alpha1beta1", "v01")) {
            assertThat(ResourceName.isVersion(v)).as(v).isEqualTo(reference.matcher(v).matches());
        }
    }
}
