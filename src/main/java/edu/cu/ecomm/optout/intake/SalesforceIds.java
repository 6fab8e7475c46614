package edu.cu.ecomm.optout.intake;

import java.util.Optional;

/**
 * Salesforce record ids as a Contact id must be: 15 characters (case-sensitive) or 18 (the 15 plus a
 * three-character checksum of their letter case), key prefix {@code 003}. An 18-character id is read as Salesforce
 * reads it, in any letter case: its suffix says which of the first 15 characters are upper-case, so an id that a
 * spreadsheet or another system upper- or lower-cased is restored, not rejected.
 */
public final class SalesforceIds {

    public static final String CONTACT_KEY_PREFIX = "003";
    private static final String CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private SalesforceIds() {
    }

    /**
     * The 18-character form of a valid Contact id, in Salesforce's letter case, or empty when {@code id} is not
     * one: wrong length, a character outside [0-9A-Za-z], another object's key prefix, or an 18-character id whose
     * suffix cannot describe its first 15 characters (it marks a digit as upper-case, or is not a checksum letter).
     */
    public static Optional<String> toContactId18(String id) {
        if (whyNotContactId(id) != null) {
            return Optional.empty();
        }
        return Optional.of(id.length() == 18 ? withCaseFromSuffix(id) : id + checksum(id));
    }

    /** Why {@code id} is not a valid Contact id, or null when it is; the text goes into dead letters. */
    public static String whyNotContactId(String id) {
        if (id == null || id.isEmpty()) {
            return "record id is missing";
        }
        if (id.length() != 15 && id.length() != 18) {
            return "record id '" + id + "' has " + id.length() + " characters; expected 15 or 18";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                return "record id '" + id + "' has a character outside [0-9A-Za-z] at position " + (i + 1);
            }
        }
        if (!id.startsWith(CONTACT_KEY_PREFIX)) {
            return "record id '" + id + "' has key prefix " + id.substring(0, 3) + ", not a Contact's (003)";
        }
        if (id.length() == 18 && withCaseFromSuffix(id) == null) {
            return "record id '" + id + "' fails its checksum: suffix " + id.substring(15)
                    + " does not fit its first 15 characters (as written, it would be " + checksum(id) + ")";
        }
        return null;
    }

    /**
     * An 18-character id with the letter case of its first 15 characters set as its suffix says, and the suffix
     * upper-case; null when the suffix cannot describe them.
     */
    private static String withCaseFromSuffix(String id) {
        char[] restored = id.toCharArray();
        for (int group = 0; group < 3; group++) {
            int flags = CHECKSUM_ALPHABET.indexOf(Character.toUpperCase(id.charAt(15 + group)));
            if (flags < 0) {
                return null;
            }
            restored[15 + group] = CHECKSUM_ALPHABET.charAt(flags);
            for (int i = 0; i < 5; i++) {
                int at = group * 5 + i;
                boolean upper = (flags & 1 << i) != 0;
                if (Character.isDigit(id.charAt(at))) {
                    if (upper) {
                        return null;
                    }
                } else {
                    restored[at] = upper ? Character.toUpperCase(id.charAt(at)) : Character.toLowerCase(id.charAt(at));
                }
            }
        }
        return new String(restored);
    }

    /**
     * The three-character suffix that makes a 15-character id case-insensitive: each group of five characters
     * gives one letter, whose index has bit i set when the group's i-th character is an upper-case letter.
     */
    static String checksum(String id) {
        StringBuilder suffix = new StringBuilder(3);
        for (int group = 0; group < 3; group++) {
            int flags = 0;
            for (int i = 0; i < 5; i++) {
                char c = id.charAt(group * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    flags |= 1 << i;
                }
            }
            suffix.append(CHECKSUM_ALPHABET.charAt(flags));
        }
        return suffix.toString();
    }
}
