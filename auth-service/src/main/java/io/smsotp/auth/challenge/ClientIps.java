package io.smsotp.auth.challenge;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.smsotp.auth.http.ApiException;
import io.smsotp.config.IpRange;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** The end user's IP address, for the per-IP send limit: checked literal addresses only, never a name to look up. */
public final class ClientIps {


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
     * The address of the browser behind {@code ctx}. A connection from anywhere but a trusted
     * proxy is the client itself. A trusted proxy appends the address it was connected from to
     * {@code X-Forwarded-For}, so the header is read from the right: the first address that is
     * not a trusted proxy is the client (anything left of it was written by the client and may
     * be made up). When every address is a trusted proxy, the leftmost is the client; an entry
     * that is not an address ends the walk at the proxy that reported it.
     */
    public static String of(Context ctx, List<IpRange> trustedProxies) {
        return of(normalize(ctx.ip()), ctx.req().getHeaders("X-Forwarded-For"), trustedProxies);
    }

    static String of(String peer, Enumeration<String> forwardedHeaders, List<IpRange> trustedProxies) {
        if (peer == null || trustedProxies.isEmpty() || !trusted(peer, trustedProxies) || forwardedHeaders == null) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        while (forwardedHeaders.hasMoreElements()) {
            // several headers are one list, in order (RFC 9110 5.3)
            for (String part : forwardedHeaders.nextElement().split(",")) {
                hops.add(part.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = normalize(hops.get(i));
            if (hop == null) {
                return client;
            }
            client = hop;
            if (!trusted(hop, trustedProxies)) {
                return hop;
            }
        }
        return client;
    }

    private static boolean trusted(String ip, List<IpRange> ranges) {
        for (IpRange range : ranges) {
            if (range.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** {@code raw} as the one canonical text of its address, or null when it is not a literal IP address. */
    static String normalize(String raw) {
        byte[] address = IpRange.address(raw);
        if (address == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
