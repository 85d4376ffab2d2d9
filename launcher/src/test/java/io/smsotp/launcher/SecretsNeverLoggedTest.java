package io.smsotp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smsotp.config.ConfigLoader;
import io.smsotp.launcher.demo.PickupDispatchApp;
import io.smsotp.launcher.gateway.FakeSmsGateway.ReceivedSms;
import io.smsotp.testsupport.Browser;
import io.smsotp.testsupport.TestKafka;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Nothing secret in the logs: a whole run (2FA API create, wrong and right verify, resend; a
 * hosted login in Chromium with a wrong password, an SMS code and a backup code; the account page
 * with a number change and new backup codes) with every logger
 * at DEBUG (ours at TRACE) written to two files, one in the text format and one in the JSON
 * format, which are then searched for every code, backup code, password, client secret and API
 * key the run used. The JSON file also shows each service's lines about one challenge carrying
 * its id. Runs in its own JVM (the {@code log-capture} surefire execution), since the log
 * set-up is the whole JVM's.
 */
class SecretsNeverLoggedTest {

    static final String API_KEY = "ApiKey-Zq7Wv3Lm9Tx2Rb8Nc4";
    static final String CLIENT_SECRET = "ClientSecret-Hy6Pk1Dq5Vz0";
    static final String PASSWORD = "Password-Gm4Xs8Ju2Ln6";
    static final String WRONG_PASSWORD = "WrongPassword-Ke3Fw7Br1";
    static final String BACKUP_CODE = "86753091122";
    static final String OTHER_BACKUP_CODE = "55501234987";
    static final String MOBILE = "+15550007777";
    static final String NEW_MOBILE = "+15550007788";
    /** The account page's own client sends the default 6 digits. */
    static final Pattern ACCOUNT_CODE = Pattern.compile("\\b([0-9]{6}) is your smsotp account");
    // long codes, so that a hit cannot be a timestamp or an offset that happens to match
    static final Pattern ALNUM_CODE = Pattern.compile("\\b([2-9A-HJ-NP-Z]{8}) is your ");
    static final Pattern DIGIT_CODE = Pattern.compile("\\b([0-9]{10}) is your ");
    /** "created challenge ID for app", "message M of challenge ID sent by": the id a line is about. */
    static final Pattern CHALLENGE_IN_MESSAGE = Pattern.compile("\\bchallenge ([A-Za-z0-9_-]{22,64})");

    @Test
    void aWholeRunAtDebugLevelLogsNoCodeBackupCodePasswordSecretOrApiKey() throws Exception {
        String logFile = System.getProperty("smsotp.test.logFile");
        String jsonLogFile = System.getProperty("smsotp.test.jsonLogFile");
        assertThat(logFile).as("run by the log-capture execution (mvn verify), which sends the log to a file").isNotBlank();
        assertThat(jsonLogFile).isNotBlank();
        Path log = Path.of(logFile);
        Path jsonLog = Path.of(jsonLogFile);
        Set<String> secrets = new LinkedHashSet<>(List.of(API_KEY, CLIENT_SECRET, PASSWORD, WRONG_PASSWORD, BACKUP_CODE,
                OTHER_BACKUP_CODE));
        // 6 and 8 digits: looked for as whole numbers, since any longer number may hold them by chance
        Set<String> shortSecrets = new LinkedHashSet<>();
        Set<String> adminCodes = new LinkedHashSet<>();

        Path dataDir = Files.createTempDirectory("smsotp-log-capture-");
        int appPort;
        try (ServerSocket s = new ServerSocket(0)) {
            appPort = s.getLocalPort();
        }
        EmbeddedDefault system = EmbeddedDefault.start(ConfigLoader.parse("""
                auth: {port: 0}
                gateway: {port: 0}
                apps:
                  - id: api
                    apiKey: %s
                    otp: {length: 10, resendCooldown: PT0S}
                  - id: portal
                    name: Portal
                    clientSecret: %s
                    redirectUris: ['%s']
                    otp: {length: 8, alphanumeric: true}
                users:
                  - {username: logan, password: '%s', claims: {mobile: '%s', otp_backup_codes: '%s,%s'}}
                """.formatted(API_KEY, CLIENT_SECRET, PickupDispatchApp.redirectUriFor(appPort), PASSWORD, MOBILE,
                BACKUP_CODE, OTHER_BACKUP_CODE), Map.of()), dataDir, sms -> { });
        PickupDispatchApp portal = new PickupDispatchApp(URI.create(system.issuer()), "portal", CLIENT_SECRET,
                "127.0.0.1", appPort).start();
        try {
            secrets.add(system.config().stream().codeHmacKey());
            secrets.add(system.config().smsEncryptionKey());
            secrets.add(system.config().codeEncryptionKey());
            secrets.add(system.config().configEncryptionKey());
            secrets.addAll(adminRun(system, adminCodes));
            secrets.addAll(apiRun(system));
            secrets.addAll(loginRun(system, portal));
            shortSecrets.addAll(accountRun(system));
        } finally {
            portal.stop();
            system.close();
            TestKafka.deleteRecursively(dataDir);
        }

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(logged).as("the capture worked: this run's DEBUG lines are in it")
                .contains(dataDir.toString()).contains(" DEBUG ").hasSizeGreaterThan(10_000);
        assertThat(logged).as("the run logged its own steps at DEBUG").contains("DEBUG ChallengeProcessor");
        String loggedJson = Files.readString(jsonLog, StandardCharsets.UTF_8);
        for (String secret : secrets) {
            assertThat(logged).as("a secret of the run in %s", log).doesNotContain(secret);
            assertThat(loggedJson).as("a secret of the run in %s", jsonLog).doesNotContain(secret);
        }
        assertThat(secrets).as("codes were used and checked too").hasSizeGreaterThan(10);
        assertThat(shortSecrets).as("the account page's two SMS codes and ten backup codes").hasSize(12);
        shortSecrets.addAll(adminCodes);
        for (String secret : shortSecrets) {
            Pattern whole = Pattern.compile("(?<![0-9])" + secret + "(?![0-9])");
            assertThat(whole.matcher(logged).find()).as("a code of the account page in %s", log).isFalse();
            assertThat(whole.matcher(loggedJson).find()).as("a code of the account page in %s", jsonLog).isFalse();
        }
        assertThat(logged).as("numbers are masked in the log").doesNotContain(NEW_MOBILE);
        assertEachServiceLogsAChallengeWithItsId(loggedJson, dataDir);
    }

    /** Every line is an object; the lines of each service about one challenge carry that challenge's id. */
    private static void assertEachServiceLogsAChallengeWithItsId(String loggedJson, Path dataDir) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> entries = new ArrayList<>();
        for (String line : loggedJson.split("\n")) {
            entries.add(mapper.readTree(line));
        }
        assertThat(entries).as("one JSON object a line").allMatch(JsonNode::isObject)
                .allSatisfy(e -> assertThat(e.has("time") && e.has("level") && e.has("logger") && e.has("thread")
                        && e.has("message")).as("fields of %s", e).isTrue());
        assertThat(entries).as("the same run as the text file").anySatisfy(e -> assertThat(e.path("message").asText())
                .contains(dataDir.toString()));
        for (String logger : List.of("io.smsotp.stream.challenge.ChallengeProcessor",
                "io.smsotp.dispatcher.consumer.OutcomeReports")) {
            List<JsonNode> aboutOne = entries.stream().filter(e -> e.path("logger").asText().equals(logger))
                    .filter(e -> CHALLENGE_IN_MESSAGE.matcher(e.path("message").asText()).find()).toList();
            assertThat(aboutOne).as("%s logged about challenges", logger).isNotEmpty();
            for (JsonNode e : aboutOne) {
                Matcher m = CHALLENGE_IN_MESSAGE.matcher(e.path("message").asText());
                assertThat(m.find()).isTrue();
                assertThat(e.path("challengeId").asText()).as("challengeId of %s", e).isEqualTo(m.group(1));
            }
        }
        assertThat(entries).as("auth-service's login step").anySatisfy(e -> {
            assertThat(e.path("logger").asText()).isEqualTo("io.smsotp.auth.login.Completion");
            assertThat(e.path("message").asText()).startsWith("login of logan to client portal done");
            assertThat(e.path("challengeId").asText()).isNotEmpty();
        });
    }

    /** Creates, verifies wrong then right, resends and verifies over the 2FA API; the codes it saw. */
    /**
     * The admin API at work: its key, a provider token, an app's key and client secret made and
     * rotated, a user's password and backup codes. Returns every secret it saw.
     */
    private static List<String> adminRun(EmbeddedDefault system, Set<String> codes) {
        List<String> seen = new java.util.ArrayList<>();
        String adminKey = system.generatedAdminKey();
        seen.add(adminKey);
        Http admin = new Http(system.authUrl(), adminKey);
        String token = "provider-token-" + java.util.UUID.randomUUID();
        seen.add(token);
        assertThat(admin.post("/admin/api/v1/providers", ("{\"name\":\"logged\",\"url\":\"http://127.0.0.1:9/x\","
                + "\"method\":\"GET\",\"headers\":{\"Authorization\":\"Bearer %s\"}}").formatted(token)).status())
                .isEqualTo(201);
        assertThat(admin.delete("/admin/api/v1/providers/logged").status()).isEqualTo(204);
        Http.Answer app = admin.post("/admin/api/v1/apps",
                "{\"id\":\"made\",\"redirectUris\":[\"http://127.0.0.1:9/cb\"]}");
        assertThat(app.status()).isEqualTo(201);
        seen.add(app.body().path("apiKey").asText());
        seen.add(app.body().path("clientSecret").asText());
        Http.Answer rotated = admin.post("/admin/api/v1/apps/made/rotate-key", "{\"overlap\":\"PT0S\"}");
        seen.add(rotated.body().path("apiKey").asText());
        seen.add(admin.post("/admin/api/v1/apps/made/rotate-secret", "{}").body().path("clientSecret").asText());
        String password = "admin-made-pw-" + java.util.UUID.randomUUID();
        seen.add(password);
        assertThat(admin.post("/admin/api/v1/users", ("{\"username\":\"made\",\"password\":\"%s\","
                + "\"claims\":{\"mobile\":\"+12125550111\"}}").formatted(password)).status()).isEqualTo(201);
        admin.post("/admin/api/v1/users/made/backup-codes", "{}").body().path("codes")
                .forEach(c -> codes.add(c.asText()));
        assertThat(codes).hasSize(10);
        assertThat(seen).doesNotContain("").hasSize(7);
        return seen;
    }

    private static List<String> apiRun(EmbeddedDefault system) {
        Http api = new Http(system.authUrl(), API_KEY);
        List<String> codes = new ArrayList<>();
        String to = "+12125550144";
        String id = api.createChallenge(to).body().path("id").asText();
        String first = code(system, to, 0, DIGIT_CODE);
        codes.add(first);
        assertThat(api.verify(id, "0000000000").status()).isEqualTo(200);
        assertThat(api.post("/api/v1/challenges/" + id + "/resend", "{}").status()).isEqualTo(200);
        String second = code(system, to, 1, DIGIT_CODE);
        codes.add(second);
        assertThat(api.verify(id, first).body().path("valid").asBoolean()).isFalse();
        assertThat(api.verify(id, second).body().path("valid").asBoolean()).isTrue();
        return codes;
    }

    /** A hosted login with a wrong password, then the SMS code; a second with a backup code. */
    private static List<String> loginRun(EmbeddedDefault system, PickupDispatchApp portal) {
        List<String> codes = new ArrayList<>();
        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(30))) {
            browser.open(portal.baseUri().toString());
            browser.click("#login");
            browser.fill("username", "logan").fill("password", WRONG_PASSWORD).click("Sign in");
            browser.waitForText("Incorrect username or password");
            browser.fill("username", "logan").fill("password", PASSWORD).click("Sign in");
            browser.waitForText("Enter the code");
            String code = code(system, MOBILE, 0, ALNUM_CODE);
            codes.add(code);
            browser.fill("code", code).click("Continue");
            browser.waitForText("Signed in");

            browser.click("#logout");
            browser.waitForText("Signed out");
            browser.click("#login");
            browser.fill("username", "logan").fill("password", PASSWORD).click("Sign in");
            browser.waitForText("Enter the code");
            codes.add(code(system, MOBILE, 1, ALNUM_CODE));
            browser.fill("code", BACKUP_CODE).click("Continue");
            assertThat(browser.waitForText("Signed in")).contains("pwd otp");
        }
        return codes;
    }

    /** The account page: signed in with the other backup code, a number change, new backup codes; the codes it saw. */
    private static List<String> accountRun(EmbeddedDefault system) {
        List<String> codes = new ArrayList<>();
        try (Browser browser = Browser.start().waitingUpTo(Duration.ofSeconds(30))) {
            browser.open(system.issuer() + "/account");
            browser.fill("username", "logan").fill("password", PASSWORD).click("Sign in");
            browser.waitForText("Enter the code");
            // the code that went to the number stays unused: the backup code is typed instead
            codes.add(code(system, MOBILE, 2, ACCOUNT_CODE));
            browser.fill("code", OTHER_BACKUP_CODE).click("Continue");
            browser.waitForText("Your account");
            browser.fill("mobile", NEW_MOBILE).click("Send code");
            browser.waitForText("Confirm your new number");
            String code = code(system, NEW_MOBILE, 0, ACCOUNT_CODE);
            codes.add(code);
            browser.fill("code", code).click("Confirm");
            browser.waitForText("Your mobile number is changed");
            browser.click("Generate new backup codes");
            browser.waitForText("Your new backup codes");
            browser.driver().findElements(org.openqa.selenium.By.cssSelector("#backup-codes li"))
                    .forEach(li -> codes.add(li.getText()));
        }
        return codes;
    }

    private static String code(EmbeddedDefault system, String to, int index, Pattern pattern) {
        ReceivedSms sms = await().atMost(Duration.ofSeconds(30))
                .until(() -> system.gateway().messagesTo(to), l -> l.size() > index).get(index);
        Matcher m = pattern.matcher(sms.text());
        assertThat(m.find()).as("a code in: %s", sms.text()).isTrue();
        return m.group(1);
    }
}
