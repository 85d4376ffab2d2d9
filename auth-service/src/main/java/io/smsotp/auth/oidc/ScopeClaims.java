package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which claims a granted scope releases (OpenID Connect Core 5.4), the one rule for both the ID
 * token and userinfo: {@code openid} gives {@code sub} only, {@code profile} adds
 * {@code preferred_username}, {@code phone} adds {@code phone_number} and
 * {@code phone_number_verified}. Scope values the provider does not know are ignored (Core 3.1.2.1).
 */
final class ScopeClaims {

    static final String PREFERRED_USERNAME = "preferred_username";
    static final String PHONE_NUMBER = "phone_number";
    static final String PHONE_NUMBER_VERIFIED = "phone_number_verified";
    /** In the order discovery lists them. */
    static final List<Scope.Value> SUPPORTED = List.of(OIDCScopeValue.OPENID, OIDCScopeValue.PROFILE, OIDCScopeValue.PHONE);

    private ScopeClaims() {
    }

    /** The part of {@code requested} this provider grants: the values it supports, in the order asked. */
    static Scope granted(Scope requested) {
        Scope granted = new Scope();
        for (Scope.Value value : requested) {
            if (SUPPORTED.contains(value) && !granted.contains(value)) {
                granted.add(value);
            }
        }
        return granted;
    }

    /**
     * The claims beyond {@code sub} that {@code scope} releases for this user.
     *
     * @param mobile E.164, or null when the profile has none (then {@code phone} releases nothing)
     * @param phoneVerified whether this login proved the number: an SMS code sent to it came back
     */
    static Map<String, Object> claims(Scope scope, String username, String mobile, boolean phoneVerified) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (scope.contains(OIDCScopeValue.PROFILE)) {
            claims.put(PREFERRED_USERNAME, username);
        }
        if (scope.contains(OIDCScopeValue.PHONE) && mobile != null) {
            claims.put(PHONE_NUMBER, mobile);
            claims.put(PHONE_NUMBER_VERIFIED, phoneVerified);
        }
        return claims;
    }
}
