package edu.cu.ecomm.optout.intake;

import java.util.Optional;

/**
 * Salesforce record ids as a Contact id must be: 15 characters (case-sensitive) or 18 (the 15 plus a
 * three-character checksum of their letter case), key prefix {@code 003}.
 */
public final class SalesforceIds {

    public static final String CONTACT_KEY_PREFIX = "003";
    private static final String CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private SalesforceIds() {
    }

    /**
     * The 18-character form of a valid Contact id, or empty when {@code id} is not one: wrong length, a
     * character outside [0-9A-Za-z], another object's key prefix, or an 18-character id whose checksum does
     * not match its first 15 characters.
     */
    public static Optional<String> toContactId18(String id) {
        return whyNotContactId(id) == null ? Optional.of(id.length() == 18 ? id : id + checksum(id)) : Optional.empty();
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
        if (id.length() == 18 && !id.substring(15).equals(checksum(id))) {
            return "record id '" + id + "' fails its checksum: expected suffix " + checksum(id);
        }
        return null;
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
