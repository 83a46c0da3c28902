package io.auditbridge.core.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

/** A WireMock server on a free loopback port for each test, started and stopped by JUnit (register it per instance). */
public final class LoopbackWireMock {
    private LoopbackWireMock() {}

    /** For {@code @RegisterExtension final WireMockExtension webhook = LoopbackWireMock.perTest();}. */
    public static WireMockExtension perTest() {
        return WireMockExtension.newInstance().options(options().dynamicPort().bindAddress("127.0.0.1")).build();
    }
}
