package io.smsotp.launcher.gateway;

import io.smsotp.launcher.Options;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar smsotp.jar sms-gateway [--host H] [--port P] [--allow-host NAME]...}: the fake
 * SMS gateway and its inbox alone, e.g. as a container beside the dispatchers, which reach it by
 * a name that {@code --allow-host} lets through (browsers still must use a loopback address).
 */
public final class GatewayCommand {

    private GatewayCommand() {
    }

    public static void run(String[] args) throws InterruptedException {
        Options o = Options.parse("sms-gateway", args, Set.of("host", "port", "allow-host"));
        FakeSmsGateway gateway = new FakeSmsGateway(o.get("host", "0.0.0.0"), o.port("port", 8090))
                .allowingHosts(o.all("allow-host"))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.stop();
            stopped.countDown();
        }, "sms-gateway-shutdown"));
        System.out.println("fake SMS gateway: send to " + FakeSmsGateway.SEND_PATH + ", inbox at "
                + FakeSmsGateway.INBOX_PATH + " on port " + gateway.port());
        stopped.await();
    }
}
