package io.smsotp.auth.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.smsotp.auth.http.ApiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** The end user's IP address, for the per-IP send limit: checked literal addresses only, never a name to look up. */
public final class ClientIps {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientIps() {
    }

    /** The optional {@code clientIp} of an API body, normalised; a 400 when it is not an IP address. */
    static String fromBody(JsonNode body) {
        JsonNode value = body.get("clientIp");
        if (value == null || value.isNull()) {
            return null;
        }
        String ip = value.isTextual() ? normalize(value.textValue()) : null;
        if (ip == null) {
            throw ApiException.badRequest("invalid_field", "'clientIp' must be an IPv4 or IPv6 address");
        }
        return ip;
    }

    /**
     * The address of the browser behind {@code ctx}: the first {@code X-Forwarded-For} entry when
     * the deployment says its proxy sets it ({@code auth.trustForwardedFor}), else the connection's.
     */
    public static String of(Context ctx, boolean trustForwardedFor) {
        if (trustForwardedFor) {
            String forwarded = ctx.header("X-Forwarded-For");
            if (forwarded != null) {
                String first = normalize(forwarded.split(",", 2)[0].strip());
                if (first != null) {
                    return first;
                }
            }
        }
        return normalize(ctx.ip());
    }

    /** {@code raw} as the one canonical text of its address, or null when it is not a literal IP address. */
    static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = IPV4.matcher(s).matches();
        // a colon makes it an IPv6 literal, which InetAddress parses without any lookup
        if (!v4 && !(s.contains(":") && IPV6.matcher(s).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
