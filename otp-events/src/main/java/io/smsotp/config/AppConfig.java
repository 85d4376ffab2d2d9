package io.smsotp.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.smsotp.events.OtpPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * An application (service provider): a caller of the 2FA API (with an {@code apiKey}), an OpenID
 * Connect client of the hosted login (with {@code redirectUris}), or both.
 *
 * @param name shown in the SMS text and on the login pages; defaults to the id
 * @param apiKey the bearer key its 2FA API requests carry, at least 16 characters; null: the app cannot use that API
 * @param redirectUris the exact URIs the login may send the user back to (absolute http(s), no fragment)
 * @param clientSecret the OIDC client secret, at least 16 characters; null: a public client, which must use PKCE
 * @param steps the login's steps, {@code [[basic],[smsOTP]]} (the default) or {@code [[basic]]}
 * @param subjectClaim what the app receives as {@code sub}: {@code username} (the default) or {@code mobile}
 * @param allowUserDisable whether users may turn SMS OTP off for themselves (default false)
 * @param smsOtpMandatory whether a user who turned SMS OTP off gets an error instead of skipping it (default false)
 * @param backupCodes whether backup codes are accepted in place of an SMS code (default true)
 * @param captureMobile whether a user without a mobile number is asked for one (default false)
 * @param allowedCountryCodes the country calling codes (e.g. 1, 44) whose numbers may get codes;
 *     null or empty: all
 * @param requirePkce whether an authorization request must carry a PKCE S256 {@code code_challenge}
 *     (default true); only a confidential client may turn it off
 * @param retiredApiKeys keys replaced by a rotation that still work until their {@code until}
 *
 * <p>{@code apiKey} may be given as the key or as its SHA-256, {@code sha256:<64 hex digits>}: the
 * live configuration keeps only that form.
 */
public record AppConfig(String id, String name, String apiKey, OtpPolicy otp, List<String> redirectUris,
                        String clientSecret, List<List<String>> steps, String subjectClaim, Boolean allowUserDisable,
                        Boolean smsOtpMandatory, Boolean backupCodes, Boolean captureMobile,
                        List<Integer> allowedCountryCodes, Boolean requirePkce, List<RetiredKey> retiredApiKeys) {

    public static final String STEP_BASIC = "basic";
    public static final String STEP_SMS_OTP = "smsOTP";
    public static final List<List<String>> STEPS_BASIC_SMS = List.of(List.of(STEP_BASIC), List.of(STEP_SMS_OTP));
    public static final List<List<String>> STEPS_BASIC = List.of(List.of(STEP_BASIC));
    public static final String SUBJECT_USERNAME = "username";
    public static final String SUBJECT_MOBILE = "mobile";

    @JsonCreator
    public AppConfig {
        Settings.nonBlank("id", id);
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("id must be 1..64 of letters, digits, '.', '_' or '-', was " + id);
        }
        name = Settings.orDefault(name, id);
        if (apiKey != null && apiKey.length() < 16) {
            throw new IllegalArgumentException("apiKey must be at least 16 characters (value not shown)");
        }
        if (apiKey != null && apiKey.startsWith(AdminSettings.SHA256_PREFIX) && !isHashed(apiKey)) {
            throw new IllegalArgumentException("apiKey: a hashed key is sha256: and 64 hex digits");
        }
        retiredApiKeys = retiredApiKeys == null ? List.of() : List.copyOf(retiredApiKeys);
        otp = Settings.orDefault(otp, OtpPolicy.DEFAULT);
        redirectUris = redirectUris(redirectUris);
        if (apiKey == null && redirectUris.isEmpty()) {
            // neither the 2FA API nor a login could ever serve it: surely a typo
            throw new IllegalArgumentException("app '" + id + "' needs an apiKey (2FA API), redirectUris (OIDC login) or both");
        }
        if (clientSecret != null && clientSecret.length() < 16) {
            throw new IllegalArgumentException("clientSecret must be at least 16 characters (value not shown)");
        }
        steps = steps == null ? STEPS_BASIC_SMS : steps;
        if (!steps.equals(STEPS_BASIC_SMS) && !steps.equals(STEPS_BASIC)) {
            throw new IllegalArgumentException("steps must be [[basic],[smsOTP]] or [[basic]], was " + steps);
        }
        // one of the two constants: immutable, whatever list the caller gave
        steps = steps.equals(STEPS_BASIC) ? STEPS_BASIC : STEPS_BASIC_SMS;
        subjectClaim = Settings.orDefault(subjectClaim, SUBJECT_USERNAME);
        if (!subjectClaim.equals(SUBJECT_USERNAME) && !subjectClaim.equals(SUBJECT_MOBILE)) {
            throw new IllegalArgumentException("subjectClaim must be username or mobile, was " + subjectClaim);
        }
        allowUserDisable = Settings.orDefault(allowUserDisable, false);
        smsOtpMandatory = Settings.orDefault(smsOtpMandatory, false);
        backupCodes = Settings.orDefault(backupCodes, true);
        captureMobile = Settings.orDefault(captureMobile, false);
        allowedCountryCodes = allowedCountryCodes == null ? List.of() : List.copyOf(allowedCountryCodes);
        for (Integer cc : allowedCountryCodes) {
            if (cc == null || cc < 1 || cc > 999) {
                throw new IllegalArgumentException("allowedCountryCodes must hold country calling codes 1..999, held " + cc);
            }
        }
        requirePkce = Settings.orDefault(requirePkce, true);
        if (!requirePkce && clientSecret == null) {
            // without a secret, PKCE is the only proof that the redeemer is the one who asked
            throw new IllegalArgumentException("requirePkce: false needs a clientSecret: a public client must use PKCE");
        }
    }

    /** A key replaced by a rotation: its SHA-256 (hex) and the moment it stops working. */
    public record RetiredKey(String sha256, java.time.Instant until) {
        public RetiredKey {
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("retiredApiKeys[].sha256 must be 64 lower-case hex digits");
            }
            java.util.Objects.requireNonNull(until, "retiredApiKeys[].until");
        }
    }

    /** An app without retired keys. */
    public AppConfig(String id, String name, String apiKey, OtpPolicy otp, List<String> redirectUris,
                     String clientSecret, List<List<String>> steps, String subjectClaim, Boolean allowUserDisable,
                     Boolean smsOtpMandatory, Boolean backupCodes, Boolean captureMobile,
                     List<Integer> allowedCountryCodes, Boolean requirePkce) {
        this(id, name, apiKey, otp, redirectUris, clientSecret, steps, subjectClaim, allowUserDisable,
                smsOtpMandatory, backupCodes, captureMobile, allowedCountryCodes, requirePkce, null);
    }

    /** Whether {@code key} is a key given as its hash, {@code sha256:<64 hex digits>}. */
    public static boolean isHashed(String key) {
        return key != null && key.matches("sha256:[0-9a-fA-F]{64}");
    }

    /** The SHA-256 (lower-case hex) of the API key, however it was given; null without one. */
    public String apiKeySha256() {
        if (apiKey == null) {
            return null;
        }
        return isHashed(apiKey) ? apiKey.substring(AdminSettings.SHA256_PREFIX.length()).toLowerCase(java.util.Locale.ROOT)
                : AdminSettings.sha256Hex(apiKey);
    }

    /** The same app with {@code key} (plain or hashed) as its API key and {@code retired} as its retired keys. */
    public AppConfig withApiKey(String key, List<RetiredKey> retired) {
        return new AppConfig(id, name, key, otp, redirectUris, clientSecret, steps, subjectClaim, allowUserDisable,
                smsOtpMandatory, backupCodes, captureMobile, allowedCountryCodes, requirePkce, retired);
    }

    /** The same app with {@code secret} as its OIDC client secret. */
    public AppConfig withClientSecret(String secret) {
        return new AppConfig(id, name, apiKey, otp, redirectUris, secret, steps, subjectClaim, allowUserDisable,
                smsOtpMandatory, backupCodes, captureMobile, allowedCountryCodes, requirePkce, retiredApiKeys);
    }

    /** An app that requires PKCE (the default). */
    public AppConfig(String id, String name, String apiKey, OtpPolicy otp, List<String> redirectUris,
                     String clientSecret, List<List<String>> steps, String subjectClaim, Boolean allowUserDisable,
                     Boolean smsOtpMandatory, Boolean backupCodes, Boolean captureMobile,
                     List<Integer> allowedCountryCodes) {
        this(id, name, apiKey, otp, redirectUris, clientSecret, steps, subjectClaim, allowUserDisable,
                smsOtpMandatory, backupCodes, captureMobile, allowedCountryCodes, null);
    }

    /** An app with every country allowed. */
    public AppConfig(String id, String name, String apiKey, OtpPolicy otp, List<String> redirectUris,
                     String clientSecret, List<List<String>> steps, String subjectClaim, Boolean allowUserDisable,
                     Boolean smsOtpMandatory, Boolean backupCodes, Boolean captureMobile) {
        this(id, name, apiKey, otp, redirectUris, clientSecret, steps, subjectClaim, allowUserDisable,
                smsOtpMandatory, backupCodes, captureMobile, null, null);
    }

    /** Whether numbers of country calling code {@code countryCode} may get codes from this app. */
    public boolean allowsCountry(int countryCode) {
        return allowedCountryCodes.isEmpty() || allowedCountryCodes.contains(countryCode);
    }

    /** An app of the 2FA API only, with the defaults for everything the login uses. */
    public AppConfig(String id, String name, String apiKey, OtpPolicy otp) {
        this(id, name, apiKey, otp, null, null, null, null, null, null, null, null, null, null);
    }

    /** Whether the login asks for an SMS code after the password. */
    public boolean smsOtpStep() {
        return steps.size() > 1;
    }

    /** Whether the app is a public OIDC client (no secret), which must then prove itself with PKCE. */
    public boolean publicClient() {
        return clientSecret == null;
    }

    private static List<String> redirectUris(List<String> uris) {
        if (uris == null) {
            return List.of();
        }
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < uris.size(); i++) {
            String key = "redirectUris[" + i + "]";
            String value = Settings.nonBlank(key, uris.get(i));
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + " is not a URI: " + value);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(key + " must be an absolute http(s) URI without a fragment, was " + value);
            }
            checked.add(value);
        }
        return List.copyOf(checked);
    }

    @Override
    public String toString() {
        return "AppConfig[id=" + id + ", name=" + name + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", otp=" + otp + ", redirectUris=" + redirectUris + ", clientSecret="
                + (clientSecret == null ? "none" : "***") + ", steps=" + steps + ", subjectClaim=" + subjectClaim
                + ", allowUserDisable=" + allowUserDisable + ", smsOtpMandatory=" + smsOtpMandatory
                + ", backupCodes=" + backupCodes + ", captureMobile=" + captureMobile
                + ", allowedCountryCodes=" + allowedCountryCodes + ", requirePkce=" + requirePkce
                + ", retiredApiKeys=" + retiredApiKeys.size() + "]";
    }
}
