package edu.cu.ecomm.optout.optin;

import java.util.Locale;

/**
 * The "shirt colour" the eComm team reads off a Marketing Cloud subscriber's status.
 *
 * <p>Deleted is treated as {@link #NOT_FOUND}: a deleted subscriber is no longer in the unit, exactly like one
 * that never was, and Marketing Cloud re-creates it on the next send to the contact. A status Marketing Cloud
 * may add later is {@link #UNKNOWN} and, like yellow, gray and red, opens a re-subscribe request so a person
 * looks at it.
 */
public enum ShirtColour {
    /** Active: receives email. */
    GREEN,
    /** Bounced. */
    YELLOW,
    /** Held: too many bounces. */
    GRAY,
    /** Unsubscribed from the unit. */
    RED,
    /** No subscriber in the unit (or Deleted). */
    NOT_FOUND,
    /** A status this service does not know. */
    UNKNOWN;

    /** The status stored for a unit where the subscriber is absent. */
    public static final String ABSENT = "NOT_FOUND";

    /** The colour of a Marketing Cloud status as Marketing Cloud spells it; null means not found. */
    public static ShirtColour of(String status) {
        if (status == null || status.isBlank() || ABSENT.equals(status)) {
            return NOT_FOUND;
        }
        return switch (status.trim().toLowerCase(Locale.ROOT)) {
            case "active" -> GREEN;
            case "bounced" -> YELLOW;
            case "held" -> GRAY;
            case "unsubscribed" -> RED;
            case "deleted" -> NOT_FOUND;
            default -> UNKNOWN;
        };
    }

    /** True when the subscriber must be re-subscribed in that unit (yellow, gray, red or unknown). */
    public boolean needsResubscribe() {
        return this != GREEN && this != NOT_FOUND;
    }
}
