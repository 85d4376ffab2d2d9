package io.smsotp.dispatcher.consumer;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What a committed offset cannot say on its own: which records after it are already finished.
 *
 * <p>Messages finish out of order (one waits 30 s for a retry while later ones are sent), but a
 * committed offset only says "everything before me is done". So the commit is the lowest
 * unfinished offset, and its metadata lists the others that are still unfinished below
 * {@code next} (the offset after the last record read); every other offset in between is
 * finished. The next owner of the partition (after a rebalance or a restart) starts at the
 * committed offset and skips the finished ones, so a clean hand-over sends no message twice.
 *
 * <p>Format: {@code smsotp1:} + base64url of varints: {@code next - committed}, then each further
 * unfinished offset as the gap from the one before. The metadata is kept under
 * {@link #MAX_CHARS} (brokers refuse more than {@code offset.metadata.max.bytes}, 4096 by
 * default): when too many holes would not fit, {@code next} is lowered to the first hole left out,
 * so the records from there on are read again; a hand-over then may send some finished ones twice.
 */
final class OffsetMetadata {

    static final String PREFIX = "smsotp1:";
    static final int MAX_CHARS = 3000;
    /** Bytes that base64 into MAX_CHARS with the prefix, less room for {@code next} and one more gap (10 bytes each at most). */
    private static final int MAX_BYTES = (MAX_CHARS - PREFIX.length()) / 4 * 3 - 20;

    /**
     * @param committed the committed offset: the lowest unfinished one
     * @param next records from here on were not read (or not recorded); none is known finished
     * @param unfinished offsets in [committed, next) still to send, {@code committed} among them
     */
    record Holes(long committed, long next, NavigableSet<Long> unfinished) {
        /** Whether the record at {@code offset} was finished by whoever committed this. */
        boolean finished(long offset) {
            return offset >= committed && offset < next && !unfinished.contains(offset);
        }
    }

    private OffsetMetadata() {
    }

    /**
     * The metadata for committing {@code unfinished.first()} when records up to {@code next} were
     * read; its holes may end before {@code next} when they would not fit (see {@link #decode}).
     */
    static String encode(NavigableSet<Long> unfinished, long next) {
        long committed = unfinished.first();
        ByteArrayOutputStream gaps = new ByteArrayOutputStream();
        long prev = committed;
        long end = next;
        for (long hole : unfinished.tailSet(committed, false)) {
            if (gaps.size() + 10 > MAX_BYTES) {
                // no room: say nothing from this hole on, so that it and everything after it is read again
                end = hole;
                break;
            }
            writeVarint(gaps, hole - prev);
            prev = hole;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarint(out, end - committed);
        out.writeBytes(gaps.toByteArray());
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /** The holes a commit describes; with metadata that is not ours, nothing after it is known finished. */
    static Holes decode(long committed, String metadata) {
        TreeSet<Long> unfinished = new TreeSet<>();
        unfinished.add(committed);
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return new Holes(committed, committed, unfinished);
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length()));
            int[] pos = {0};
            long next = committed + readVarint(bytes, pos);
            long prev = committed;
            while (pos[0] < bytes.length) {
                prev += readVarint(bytes, pos);
                unfinished.add(prev);
            }
            return new Holes(committed, next, unfinished);
        } catch (IllegalArgumentException e) {
            // unreadable: treat nothing as finished, so everything is read again rather than skipped
            return new Holes(committed, committed, new TreeSet<>(java.util.Set.of(committed)));
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(byte[] in, int[] pos) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= in.length) {
                throw new IllegalArgumentException("truncated");
            }
            byte b = in[pos[0]++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (value < 0) {
                    throw new IllegalArgumentException("negative");
                }
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long");
    }
}
