package edu.cu.ecomm.optout.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** How the MBeans show times and read them back: ISO-8601, empty text for "none". */
final class Jmx {

    static final String DOMAIN = "edu.cu.ecomm.optout";

    private Jmx() {
    }

    static String time(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse("");
    }

    static String time(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    static long seconds(Optional<Duration> duration) {
        return duration.map(Duration::toSeconds).orElse(-1L);
    }

    static Instant parseTime(String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant such as 2025-11-27T06:00:00Z");
        }
    }
}
