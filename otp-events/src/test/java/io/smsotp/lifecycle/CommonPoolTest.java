package io.smsotp.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs HTTP calls in fresh JVMs that see 2 cores (the common pool is set up once per JVM, so not
 * in this one): without {@link CommonPool#ensureParallel()} each {@code sendAsync} starts a thread,
 * with it none does.
 */
class CommonPoolTest {

    @Test
    void onTwoCoresEachAsyncHttpCallStartsAThreadUnlessTheCommonPoolIsMadeParallel() throws Exception {
        assertThat(run(false)).as("the JDK's own behaviour on 2 cores: about one new thread per call")
                .startsWith("parallelism=1 ").satisfies(out -> assertThat(threadsPerCall(out)).isGreaterThan(0.8));
        assertThat(run(true)).startsWith("parallelism=2 ")
                .satisfies(out -> assertThat(threadsPerCall(out)).isLessThan(0.05));
    }

    @Test
    void aParallelismGivenOnTheCommandLineIsKept() throws Exception {
        assertThat(run(true, "-D" + CommonPool.PARALLELISM + "=1")).startsWith("parallelism=1 ");
    }

    private static double threadsPerCall(String out) {
        return Double.parseDouble(out.substring(out.indexOf("threadsPerCall=") + "threadsPerCall=".length()).trim());
    }

    private static String run(boolean ensure, String... jvmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:ActiveProcessorCount=2"));
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Calls.class.getName(), Boolean.toString(ensure)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** The child: optionally {@link CommonPool#ensureParallel()}, then 200 calls to a local server. */
    static final class Calls {
        public static void main(String[] args) throws Exception {
            if (Boolean.parseBoolean(args[0])) {
                CommonPool.ensureParallel();
            }
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            // no body: headers and body in two writes meet the peer's delayed ACK, 40 ms a call
            server.createContext("/", x -> {
                x.sendResponseHeaders(204, -1);
                x.close();
            });
            ExecutorService serverThreads = Executors.newFixedThreadPool(2);
            server.setExecutor(serverThreads);
            server.start();
            ExecutorService ours = Executors.newCachedThreadPool();
            HttpClient http = HttpClient.newBuilder().executor(ours).version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            var threads = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 20; i++) {
                http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).get();
            }
            long before = threads.getTotalStartedThreadCount();
            int calls = 200;
            for (int i = 0; i < calls; i++) {
                http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).get();
            }
            double perCall = (threads.getTotalStartedThreadCount() - before) / (double) calls;
            System.out.println("parallelism=" + ForkJoinPool.getCommonPoolParallelism() + " threadsPerCall=" + perCall);
            server.stop(0);
            System.exit(0);
        }
    }
}
