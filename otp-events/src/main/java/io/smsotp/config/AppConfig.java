package io.smsotp.config;

import io.smsotp.events.OtpPolicy;

/**
 * An application (service provider) allowed to use the 2FA API.
 *
 * @param apiKey the bearer key its requests carry; at least 16 characters
 * @param name shown in the SMS text; defaults to the id
 */
public record AppConfig(String id, String name, String apiKey, OtpPolicy otp) {
    public AppConfig {
        Settings.nonBlank("id", id);
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("id must be 1..64 of letters, digits, '.', '_' or '-', was " + id);
        }
        name = Settings.orDefault(name, id);
        Settings.nonBlank("apiKey", apiKey);
        if (apiKey.length() < 16) {
            throw new IllegalArgumentException("apiKey must be at least 16 characters (value not shown)");
        }
        otp = Settings.orDefault(otp, OtpPolicy.DEFAULT);
    }

    @Override
    public String toString() {
        return "AppConfig[id=" + id + ", name=" + name + ", apiKey=***, otp=" + otp + "]";
    }
}
