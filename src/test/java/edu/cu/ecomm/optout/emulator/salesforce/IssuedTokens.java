package edu.cu.ecomm.optout.emulator.salesforce;

/** The OAuth side's record of the access tokens it issued, which the Pub/Sub side checks metadata against. */
public interface IssuedTokens {

    /** True when {@code accessToken} was issued, is not revoked or expired, and belongs to org {@code tenantId}. */
    boolean isValid(String accessToken, String tenantId);
}
