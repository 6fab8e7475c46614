package edu.cu.ecomm.optout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MemberIdsTest {

    @Test
    void givesBackEveryIdInTheOrderItWasCollected() {
        Random random = new Random(7);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            ids.add(random.nextInt(10) == 0 ? random.nextLong() >>> 1 : (long) random.nextInt(2_000_000));
        }
        ids.add(0L);
        ids.add(Long.MAX_VALUE);
        MemberIds.Encoder encoder = new MemberIds.Encoder();
        ids.forEach(encoder::accept);
        byte[] encoded = encoder.finish();

        List<Long> decoded = new ArrayList<>();
        long count = MemberIds.decode(encoded, decoded::add);

        assertThat(decoded).isEqualTo(ids);
        assertThat(count).isEqualTo(encoder.count()).isEqualTo(ids.size());
    }

    @Test
    void noIdsIsAnEmptySet() {
        byte[] encoded = new MemberIds.Encoder().finish();

        assertThat(MemberIds.decode(encoded, id -> {
            throw new AssertionError("no id expected");
        })).isZero();
    }
}
