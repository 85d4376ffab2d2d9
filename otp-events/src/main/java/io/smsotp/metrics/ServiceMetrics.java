package io.smsotp.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One service's meter registry, in Prometheus format, with the JVM's meters bound (memory, GC,
 * threads, class loading, processor, uptime) and every meter tagged {@code service}. Close it
 * with the service: the GC binder holds JMX listeners, and binders of Kafka clients a timer.
 */
public final class ServiceMetrics implements AutoCloseable {

    /** What {@link #scrape()} answers in: Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** @param service the service's name, e.g. {@code auth-service}, as the {@code service} tag */
    public ServiceMetrics(String service) {
        Objects.requireNonNull(service, "service");
        // several services may share one JVM (the launcher) and one Prometheus: the tag keeps them apart
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Closes {@code binder} (e.g. a Kafka client's) when these metrics close. */
    public synchronized <T extends AutoCloseable> T closeWithRegistry(T binder) {
        closeables.add(Objects.requireNonNull(binder, "binder"));
        return binder;
    }

    /** Every meter, in {@link #CONTENT_TYPE}. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing meters must never stop a service from stopping
            }
        }
        closeables.clear();
        registry.close();
    }
}
