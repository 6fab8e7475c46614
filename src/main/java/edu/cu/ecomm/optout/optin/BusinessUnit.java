package edu.cu.ecomm.optout.optin;

/**
 * A Marketing Cloud business unit as configured under {@code optout.marketing-cloud.business-units}.
 *
 * @param mid  the unit's MID ({@code Client.ID})
 * @param name the name the eComm team uses for it
 */
public record BusinessUnit(long mid, String name) {

    /** The name used for a unit the account returned but nobody configured. */
    public static BusinessUnit unconfigured(long mid) {
        return new BusinessUnit(mid, "MID " + mid);
    }
}
