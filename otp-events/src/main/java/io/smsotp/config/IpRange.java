package io.smsotp.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address is a block of one. Literal addresses only: nothing here ever looks up a name.
 *
 * @param network the first address of the block, as raw bytes (4 for IPv4, 16 for IPv6)
 * @param prefix how many leading bits every address of the block shares with {@code network}
 */
public record IpRange(byte[] network, int prefix) {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    public IpRange {
        Objects.requireNonNull(network, "network");
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + network.length);
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix must be 0.." + network.length * 8 + ", was " + prefix);
        }
        network = masked(network.clone(), prefix);
    }

    /**
     * {@code text} as a range; {@code key} names the setting in the error when it is not
     * {@code ADDRESS} or {@code ADDRESS/PREFIX} with a literal IPv4 or IPv6 address.
     */
    public static IpRange parse(String key, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(key + " must be an address or a CIDR block, was empty");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        byte[] address = address(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException(key + " must be an IP address or a CIDR block such as 10.0.0.0/8, was "
                    + text);
        }
        int prefix = address.length * 8;
        if (slash >= 0) {
            String bits = s.substring(slash + 1);
            if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > address.length * 8) {
                throw new IllegalArgumentException(key + " has a bad prefix length (0.." + address.length * 8
                        + "): " + text);
            }
            prefix = Integer.parseInt(bits);
        }
        return new IpRange(address, prefix);
    }

    /** Whether {@code ip} (a literal address; anything else is not in any range) lies in this block. */
    public boolean contains(String ip) {
        byte[] candidate = address(ip);
        if (candidate == null) {
            return false;
        }
        if (candidate.length != network.length) {
            // an IPv4-mapped IPv6 address is the IPv4 address it maps
            candidate = candidate.length == 16 ? unmapped(candidate) : null;
            if (candidate == null || candidate.length != network.length) {
                return false;
            }
        }
        return java.util.Arrays.equals(masked(candidate, prefix), network);
    }

    /** The bytes of a literal IPv4 or IPv6 address (brackets allowed), or null when {@code raw} is not one. */
    public static byte[] address(String raw) {
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
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] unmapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return null;
            }
        }
        if (v6[10] != (byte) 0xff || v6[11] != (byte) 0xff) {
            return null;
        }
        return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }

    private static byte[] masked(byte[] bytes, int prefix) {
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
        }
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange r && r.prefix == prefix && java.util.Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return new BigInteger(1, network) + "/" + prefix;
        }
    }
}
