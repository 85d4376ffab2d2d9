package io.smsotp.auth.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import java.net.URI;

/**
 * A fresh authorization code and where to send the browser with it.
 *
 * @param redirectLocation the client's redirect URI with {@code code} and {@code state}
 */
public record IssuedCode(AuthorizationCode code, URI redirectLocation) {

    @Override
    public String toString() {
        // the code is a bearer credential for a minute: never in a log
        return "IssuedCode[code=***, redirectLocation=***]";
    }
}
