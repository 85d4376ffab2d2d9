package io.smsotp.launcher.bench;

import io.smsotp.auth.users.PasswordHasher;
import io.smsotp.launcher.bench.LoginBenchmark.HashSetting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users and the OIDC client the login benchmark signs in with, as the product's configuration:
 * per hash setting, one user per worker, each with a mobile number of its own (so a worker reads
 * only its own codes) and the one password, stored as a PHC string at that setting's parameters.
 */
final class LoginUsers {

    /** One user of the users file. */
    record User(String username, String mobile) {
    }

    private static final String CLIENT_ID = "bench-login";
    /** Never called: the benchmark reads the authorization code from the redirect's Location. */
    private static final String REDIRECT_URI = "http://127.0.0.1:9/callback";

    private final String password;
    private final String clientSecret;
    private final Map<HashSetting, List<User>> users;
    private final Map<HashSetting, String> hashes;

    private LoginUsers(String password, String clientSecret, Map<HashSetting, List<User>> users,
                       Map<HashSetting, String> hashes) {
        this.password = password;
        this.clientSecret = clientSecret;
        this.users = users;
        this.hashes = hashes;
    }

    /** {@code perSetting} users for each of {@code settings}; the hashes are made here, once. */
    static LoginUsers make(int perSetting, List<HashSetting> settings) {
        String password = ProductProcess.randomToken();
        PasswordHasher hasher = new PasswordHasher();
        Map<HashSetting, List<User>> users = new LinkedHashMap<>();
        Map<HashSetting, String> hashes = new LinkedHashMap<>();
        for (int s = 0; s < settings.size(); s++) {
            HashSetting setting = settings.get(s);
            hashes.put(setting, hasher.hash(password.toCharArray(), setting.memoryKib(), setting.iterations(),
                    setting.lanes()));
            int base = s;
            users.put(setting, java.util.stream.IntStream.range(0, perSetting)
                    .mapToObj(i -> new User("bench-" + setting.name() + "-" + i,
                            String.format("+1555%02d%05d", 10 + base, i))).toList());
        }
        return new LoginUsers(password, ProductProcess.randomToken(), users, hashes);
    }

    /** The {@code apps} and {@code users} parts of the product's configuration. */
    String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("apps:\n  - id: ").append(CLIENT_ID).append("\n    name: Bench\n    redirectUris: [\"")
                .append(REDIRECT_URI).append("\"]\n    clientSecret: \"").append(clientSecret).append("\"\n");
        y.append("users:\n");
        users.forEach((setting, list) -> list.forEach(u -> y.append("  - username: ").append(u.username())
                .append("\n    passwordHash: \"").append(hashes.get(setting)).append("\"\n    claims: {mobile: \"")
                .append(u.mobile()).append("\"}\n")));
        return y.toString();
    }

    User user(HashSetting setting, int worker) {
        return users.get(setting).get(worker);
    }

    String password() {
        return password;
    }

    String clientId() {
        return CLIENT_ID;
    }

    String clientSecret() {
        return clientSecret;
    }

    String redirectUri() {
        return REDIRECT_URI;
    }

    @Override
    public String toString() {
        return "LoginUsers[" + users.keySet() + "]";
    }
}
