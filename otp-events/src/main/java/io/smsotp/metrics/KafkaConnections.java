package io.smsotp.metrics;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** Whether a Kafka client is connected to any broker now, read from its own metrics. */
public final class KafkaConnections {

    private KafkaConnections() {
    }

    /**
     * The client's open broker connections ({@code connection-count} of its {@code *-metrics}
     * group). Use it on a consumer, which fetches all the time; an idle producer closes its
     * connections after {@code connections.max.idle.ms} and would look disconnected.
     */
    public static int count(Map<MetricName, ? extends Metric> clientMetrics) {
        Objects.requireNonNull(clientMetrics, "clientMetrics");
        double sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : clientMetrics.entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("connection-count") && name.group().endsWith("-metrics")
                    && e.getValue().metricValue() instanceof Number n) {
                sum += n.doubleValue();
            }
        }
        return (int) sum;
    }

    /** The consumer's open broker connections; 0 when it was closed meanwhile. */
    public static int count(Consumer<?, ?> consumer) {
        try {
            return count(consumer.metrics());
        } catch (RuntimeException e) {
            // closed by its own thread in the meantime: no connections
            return 0;
        }
    }
}
