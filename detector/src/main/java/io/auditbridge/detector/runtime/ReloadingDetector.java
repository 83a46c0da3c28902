package io.auditbridge.detector.runtime;

import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.rules.RuleSet;
import io.auditbridge.detector.rules.RulesException;
import io.auditbridge.detector.rules.RulesSources;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link Detector}, rebuilt when a rules file changes (Falco's {@code watch_config_files}): the new
 * set is loaded and compiled first and replaces the old one only when that succeeded; on error the old rules keep
 * running. Both outcomes are logged and counted in {@code auditbridge_detector_rules_reloads_total{result}}.
 * A batch evaluates with the detector it started with.
 */
public final class ReloadingDetector implements Supplier<Detector>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadingDetector.class);
    public static final String METRIC = "auditbridge.detector.rules.reloads";

    public enum Outcome { UNCHANGED, RELOADED, FAILED }

    private final RulesSources sources;
    private final Function<RuleSet, Detector> build;
    private final PipelineMetrics metrics;
    private final AtomicReference<Detector> current = new AtomicReference<>();
    private volatile String fingerprint;
    private ScheduledExecutorService watcher;

    /** Loads the rules now. @throws RulesException or IllegalArgumentException when they cannot be used */
    public ReloadingDetector(RulesSources sources, Function<RuleSet, Detector> build, PipelineMetrics metrics) {
        this.sources = sources;
        this.build = build;
        this.metrics = metrics;
        this.fingerprint = sources.fingerprint();
        Detector d = build.apply(sources.load());
        d.rules().notices().forEach(n -> log.info("rules: {}", n));
        log.info("loaded {} k8s_audit rules ({} selected, rule_matching {}) from {}", d.rules().rules().size(),
                d.selectedRules().size(), d.options().matching().name().toLowerCase(java.util.Locale.ROOT), sources);
        current.set(d);
    }

    @Override
    public Detector get() {
        return current.get();
    }

    /** Polls the rules files every {@code interval} and reloads on change. No-op for the bundled rules alone. */
    public ReloadingDetector watch(Duration interval) {
        if (!sources.watchable() || watcher != null) {
            return this;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("rules-watch").factory());
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("watching the rules files for changes every {} ms", interval.toMillis());
        return this;
    }

    /** Checks the files once; reloads when they changed. */
    public synchronized Outcome reloadIfChanged() {
        String now;
        try {
            now = sources.fingerprint();
        } catch (RulesException e) {
            return failed(null, e.getMessage());
        }
        if (now.equals(fingerprint)) {
            return Outcome.UNCHANGED;
        }
        Detector next;
        try {
            next = build.apply(sources.load());
        } catch (RulesException | IllegalArgumentException e) {
            return failed(now, e.getMessage());
        } catch (RuntimeException e) {
            return failed(now, e.toString());
        }
        fingerprint = now;
        current.set(next);
        metrics.counter(METRIC, "Rules reloads after a rules file changed, by result", "result", "ok").increment();
        log.info("rules reloaded from {}: {} rules ({} selected)", sources, next.rules().rules().size(), next.selectedRules().size());
        return Outcome.RELOADED;
    }

    private Outcome failed(String newFingerprint, String problem) {
        // Remember the broken version so it is reported once, not on every poll; a fix changes the files again.
        if (newFingerprint != null) {
            fingerprint = newFingerprint;
        }
        metrics.counter(METRIC, "Rules reloads after a rules file changed, by result", "result", "failed").increment();
        log.error("rules not reloaded, the previous rules stay in force: {}", problem);
        return Outcome.FAILED;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
