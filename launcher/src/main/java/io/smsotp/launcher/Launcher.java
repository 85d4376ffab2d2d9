package io.smsotp.launcher;

import io.smsotp.config.ConfigException;
import io.smsotp.config.ConfigLoader;
import io.smsotp.config.SmsOtpConfig;
import io.smsotp.lifecycle.CommonPool;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar smsotp.jar [--config FILE] [--data-dir DIR] [--fake-gateway] [--management-ports]}: the embedded
 * default. Stops cleanly on Ctrl-C.
 */
public final class Launcher {

    static {
        // first of all: the common pool is set up on first use (see CommonPool)
        CommonPool.ensureParallel();
    }

    private Launcher() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && !args[0].startsWith("-")) {
            runCommand(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Path configFile = null;
        Path dataDir = Path.of("data");
        int demoAppPort = EmbeddedDefault.DEMO_APP_PORT;
        boolean fakeGateway = false;
        boolean managementPorts = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = Path.of(value(args, ++i, "--config"));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                case "--demo-app-port" -> demoAppPort = port(value(args, ++i, "--demo-app-port"));
                case "--no-demo-app" -> demoAppPort = -1;
                case "--fake-gateway" -> fakeGateway = true;
                case "--management-ports" -> managementPorts = true;
                case "--help", "-h" -> {
                    usage(System.out);
                    return;
                }
                default -> fail("unknown argument: " + args[i]);
            }
        }
        SmsOtpConfig config;
        try {
            config = ConfigLoader.load(configFile, System.getenv());
        } catch (ConfigException e) {
            fail("invalid configuration: " + e.getMessage());
            return;
        }
        EmbeddedDefault system = EmbeddedDefault.start(config, dataDir, sms -> { }, demoAppPort, fakeGateway,
                managementPorts);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("smsotp: stopping...");
            system.close();
            stopped.countDown();
        }, "smsotp-shutdown"));
        printWelcome(system, dataDir, System.out);
        stopped.await();
    }

    /** The parts of a cluster deployment that are not services of their own module. */
    private static void runCommand(String command, String[] rest) throws InterruptedException {
        try {
            switch (command) {
                case "sms-gateway" -> io.smsotp.launcher.gateway.GatewayCommand.run(rest);
                case "demo-app" -> io.smsotp.launcher.demo.DemoAppCommand.run(rest);
                case "kafka-setup" -> io.smsotp.launcher.security.KafkaSetup.run(rest);
                case "kafka-roles" -> io.smsotp.launcher.security.KafkaRoles.run(rest);
                case "config" -> io.smsotp.launcher.config.ConfigCommand.run(rest);
                default -> fail("unknown command: " + command);
            }
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println(e.getMessage().startsWith(command) ? e.getMessage() : command + ": " + e.getMessage());
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    static void printWelcome(EmbeddedDefault system, Path dataDir, PrintStream out) {
        out.println();
        out.println("smsotp is running (Ctrl-C stops it)");
        out.println("  2FA API        " + system.authUrl() + "/api/v1/challenges");
        String inbox = system.gateway() == null ? null : system.gateway().inboxUrl();
        if (inbox != null) {
            out.println("  SMS inbox      " + inbox);
        } else {
            out.println("  SMS            sent by the configured providers (no fake gateway; --fake-gateway starts it)");
        }
        out.println("  Kafka          " + system.bootstrapServers()
                + (system.embeddedBroker() ? " (embedded KRaft broker)" : " (external)"));
        out.println("  Data dir       " + dataDir.toAbsolutePath());
        out.println("  OIDC issuer    " + system.issuer() + "/.well-known/openid-configuration");
        if (system.demoAppUrl() != null) {
            out.println("  Demo app       " + system.demoAppUrl() + "   (Pickup Dispatch, an OIDC client)");
        }
        if (system.demoUser() != null) {
            EmbeddedDefault.DemoUser user = system.demoUser();
            out.println();
            out.println("Log in from a browser: open " + system.demoAppUrl() + " and press Log in, then use");
            out.println("  username       " + user.username());
            out.println("  password       " + user.password());
            out.println("  mobile         " + user.mobile() + (inbox != null
                    ? "   (the code arrives in the SMS inbox: " + inbox + ")" : "   (the code goes to the configured providers)"));
            out.println("  backup codes   " + user.backupCodes() + "   (each works once, instead of the SMS code)");
        }
        if (system.adminUser() != null) {
            EmbeddedDefault.DemoUser admin = system.adminUser();
            out.println();
            out.println("Manage it in the console: open " + system.issuer() + "/admin and sign in as");
            out.println("  admin user     " + admin.username());
            out.println("  admin password " + admin.password());
            out.println("  admin mobile   " + admin.mobile() + (inbox != null ? "   (its code arrives in the SMS inbox too)"
                    : ""));
            out.println("  your account   " + system.issuer() + "/account   (any user: number, SMS codes, backup codes)");
        }
        if (system.generatedAdminKey() != null) {
            out.println("  Admin API key  " + system.generatedAdminKey() + "   (" + system.issuer()
                    + "/admin/api/v1, OpenAPI at /admin/api/v1/openapi.json)");
        }
        if (system.generatedApiKey() != null) {
            out.println();
            out.println("  Demo app key   " + system.generatedApiKey() + "   (app 'demo', made for this data dir)");
            out.println();
            out.println("Try it:");
            out.println("  curl -s -X POST " + system.authUrl() + "/api/v1/challenges \\");
            out.println("       -H 'Authorization: Bearer " + system.generatedApiKey() + "' \\");
            out.println("       -H 'Content-Type: application/json' -d '{\"to\":\"+15551234567\"}'");
            out.println("  then read the code " + (inbox != null ? "at " + inbox : "on that phone") + " and verify it:");
            out.println("  curl -s -X POST " + system.authUrl() + "/api/v1/challenges/<id>/verify \\");
            out.println("       -H 'Authorization: Bearer " + system.generatedApiKey() + "' \\");
            out.println("       -H 'Content-Type: application/json' -d '{\"code\":\"<code>\"}'");
        }
        out.println();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            fail(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        fail("--demo-app-port must be a port number 0..65535, was " + value);
        return -1;
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar smsotp.jar [--config FILE] [--data-dir DIR] [--demo-app-port N | --no-demo-app]"
                + " [--fake-gateway] [--management-ports]");
        out.println("   or: java -jar smsotp.jar sms-gateway [--host H] [--port 8090] [--allow-host NAME]...");
        out.println("   or: java -jar smsotp.jar demo-app --issuer URL [--backchannel URL] [--client-id ID]"
                + " [--client-secret-file F] [--port 8070]");
        out.println("   or: java -jar smsotp.jar kafka-setup [--config FILE] --secrets-dir DIR [--wait PT3M]");
        out.println("   or: java -jar smsotp.jar kafka-roles [--config FILE]   (the controller, and what each broker leads"
                + " and coordinates)");
        out.println("   or: java -jar smsotp.jar config export [--config FILE] [--out FILE]   (the live configuration as YAML)");
        out.println("   or: java -jar smsotp.jar config import [--config FILE] --from FILE [--mode merge|replace]");
        out.println("  --config FILE    YAML configuration (every value also settable as SMSOTP_... env var)");
        out.println("  --data-dir DIR   where the broker, state stores and generated secrets live (default ./data)");
        out.println("  --demo-app-port N  port of Pickup Dispatch, the demo OIDC application (default 8070; 0: any)");
        out.println("  --no-demo-app    do not start the demo application");
        out.println("  --fake-gateway   start the fake SMS gateway and its inbox even though providers are configured");
        out.println("  --management-ports  open otp-stream's and sms-dispatcher's health and metrics ports too"
                + " (stream.managementPort, default 8081; dispatcher.managementPort, default 8082)");
    }

    private static void fail(String message) {
        System.err.println("smsotp: " + message);
        usage(System.err);
        System.exit(2);
    }
}
