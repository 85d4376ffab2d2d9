package io.smsotp.launcher.demo;

import io.smsotp.launcher.Options;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar smsotp.jar demo-app --issuer URL [--backchannel URL] [--client-id ID]
 * [--client-secret-file FILE] [--host H] [--port P]}: Pickup Dispatch alone, as an OIDC client of
 * an smsotp that runs elsewhere (the compose cluster's demo-app service).
 */
public final class DemoAppCommand {

    private DemoAppCommand() {
    }

    public static void run(String[] args) throws InterruptedException {
        Options o = Options.parse("demo-app", args,
                Set.of("issuer", "backchannel", "client-id", "client-secret-file", "host", "port"));
        URI issuer = URI.create(o.required("issuer"));
        String backchannel = o.get("backchannel", null);
        String secretFile = o.get("client-secret-file", null);
        String secret = null;
        if (secretFile != null) {
            try {
                secret = Files.readString(Path.of(secretFile)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("demo-app: cannot read --client-secret-file " + secretFile, e);
            }
        }
        PickupDispatchApp app = new PickupDispatchApp(issuer, backchannel == null ? null : URI.create(backchannel),
                o.get("client-id", "demo"), secret, o.get("host", "0.0.0.0"), o.port("port", 8070),
                Clock.systemUTC()).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            stopped.countDown();
        }, "demo-app-shutdown"));
        stopped.await();
    }
}
