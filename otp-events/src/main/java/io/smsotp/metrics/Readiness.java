package io.smsotp.metrics;

import java.util.List;

/** What keeps a service from being ready: nothing (an empty list) when it is ready. */
@FunctionalInterface
public interface Readiness {

    /** Short, value-free reasons, e.g. {@code "Kafka Streams is REBALANCING"}. */
    List<String> problems();

    /** The JSON body of a health answer: {@code {"status":"UP"}} or DOWN with the problems. */
    static String body(List<String> problems) {
        if (problems.isEmpty()) {
            return "{\"status\":\"UP\"}";
        }
        StringBuilder b = new StringBuilder("{\"status\":\"DOWN\",\"problems\":[");
        for (int i = 0; i < problems.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(problems.get(i).replace("\\", "\\\\").replace("\"", "\\\"")
                    .replaceAll("\\p{Cntrl}", " ")).append('"');
        }
        return b.append("]}").toString();
    }
}
