package edu.cu.ecomm.optout.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.LongConsumer;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * The exact set of ledger ids a batch file was built from, kept compactly with the batch (zig-zag varint
 * deltas, deflated: a few bytes per change) so that marking moves exactly those changes to DELIVERED, and
 * nothing that was not in the file, without writing a row per change while the batch is built.
 */
final class MemberIds {

    private MemberIds() {
    }

    /** Collects ids in any order. */
    static final class Encoder implements LongConsumer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        private final OutputStream out = new BufferedOutputStream(
                new DeflaterOutputStream(bytes, new Deflater(Deflater.BEST_SPEED), 1 << 16), 1 << 16);
        private long previous;
        private long count;

        @Override
        public void accept(long id) {
            long delta = id - previous;
            previous = id;
            long zigzag = (delta << 1) ^ (delta >> 63);
            try {
                while ((zigzag & ~0x7FL) != 0) {
                    out.write((int) ((zigzag & 0x7F) | 0x80));
                    zigzag >>>= 7;
                }
                out.write((int) zigzag);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            count++;
        }

        long count() {
            return count;
        }

        byte[] finish() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** Hands every id of {@code encoded} to {@code sink}, in the order they were collected. */
    static long decode(byte[] encoded, LongConsumer sink) {
        long count = 0;
        long previous = 0;
        try (InputStream in = new BufferedInputStream(new InflaterInputStream(new ByteArrayInputStream(encoded)), 1 << 16)) {
            int b = in.read();
            while (b >= 0) {
                long zigzag = 0;
                int shift = 0;
                while (true) {
                    zigzag |= (long) (b & 0x7F) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                    shift += 7;
                    b = in.read();
                    if (b < 0) {
                        throw new IllegalStateException("Truncated member ids");
                    }
                }
                long delta = (zigzag >>> 1) ^ -(zigzag & 1);
                previous += delta;
                sink.accept(previous);
                count++;
                b = in.read();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count;
    }
}
