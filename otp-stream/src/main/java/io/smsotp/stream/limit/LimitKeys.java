package io.smsotp.stream.limit;

import io.smsotp.events.OtpEvent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys that send limits are counted under, which are also the record keys that route a
 * permit to the partition where all sends to that key meet. A phone number or a client IP is
 * personal data: it appears in neither a record key nor a store key, only as an HMAC of it (a
 * deterministic stand-in, so the partitioning and the count are the same as with the value
 * itself). The application id is not personal and is kept readable for operators.
 *
 * <pre>
 *   per_number:&lt;base64url(HMAC-SHA256(k, "number:" + e164))[0..16 bytes]&gt;
 *   per_app:&lt;appId&gt;
 *   per_ip:&lt;base64url(HMAC-SHA256(k, "ip:" + ip or IPv6 /64))[0..16 bytes]&gt;
 *   k = HMAC-SHA256(stream.codeHmacKey, "smsotp send-limit keys v1")
 * </pre>
 *
 * <p>The key is derived from the code HMAC key under its own label, so neither use can stand in
 * for the other. 128 bits of HMAC make a collision (two numbers sharing a count) negligible.
 * Not thread-safe ({@link Mac} is not): each processor holds its own.
 */
public final class LimitKeys {

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] LABEL = "smsotp send-limit keys v1".getBytes(StandardCharsets.UTF_8);
    private static final int KEY_BYTES = 16;
    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    private final Mac mac;

    /** @param codeHmacKey {@code stream.codeHmacKey}, at least 32 bytes */
    public LimitKeys(byte[] codeHmacKey) {
        if (codeHmacKey == null || codeHmacKey.length < 32) {
            throw new IllegalArgumentException("stream.codeHmacKey must hold at least 32 bytes");
        }
        try {
            Mac derive = Mac.getInstance(ALGORITHM);
            derive.init(new SecretKeySpec(codeHmacKey, ALGORITHM));
            byte[] limitKey = derive.doFinal(LABEL);
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(limitKey, ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM, e);
        }
    }

    /** The key of the per-number limit for a number in E.164. */
    public String number(String e164) {
        return OtpEvent.SendRateLimited.PER_NUMBER + ":" + hmac("number:" + e164);
    }

    /** The key of the per-application limit. */
    public String app(String appId) {
        return OtpEvent.SendRateLimited.PER_APP + ":" + appId;
    }

    /** The key of the per-IP limit; an IPv6 address counts for its /64, the block one subscriber usually holds. */
    public String ip(String clientIp) {
        return OtpEvent.SendRateLimited.PER_IP + ":" + hmac("ip:" + normalizeIp(clientIp));
    }

    /**
     * One spelling per address: IPv4 as given (when it is a dotted quad), IPv6 (and IPv4-mapped
     * IPv6) parsed and cut to its /64, anything else trimmed and lower-cased. Never a DNS lookup:
     * only strings that are literals are handed to {@link InetAddress}.
     */
    static String normalizeIp(String clientIp) {
        String ip = clientIp.trim();
        if (IPV4.matcher(ip).matches()) {
            return ip;
        }
        int zone = ip.indexOf('%');
        String literal = zone >= 0 ? ip.substring(0, zone) : ip;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        if (literal.indexOf(':') >= 0 && IPV6_LITERAL.matcher(literal).matches()) {
            try {
                // a string with ':' is parsed as an IPv6 literal or refused: no lookup happens
                byte[] address = InetAddress.getByName(literal).getAddress();
                if (address.length == 4) {
                    return InetAddress.getByAddress(address).getHostAddress();
                }
                byte[] prefix = Arrays.copyOf(address, 16);
                Arrays.fill(prefix, 8, 16, (byte) 0);
                return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                // not an address after all: counted under its own spelling below
            }
        }
        return ip.toLowerCase(Locale.ROOT);
    }

    private String hmac(String value) {
        byte[] full = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(full, KEY_BYTES));
    }
}
