package edu.cu.ecomm.optout.emulator.marketingcloud;

/**
 * A business unit of the emulated Marketing Cloud account.
 *
 * @param mid       its MID, the {@code Client.ID} of its subscribers
 * @param name      e.g. "CU Boulder"
 * @param parentMid the parent unit's MID; null for the parent (enterprise) unit itself
 */
public record BusinessUnit(long mid, String name, Long parentMid) {

    public boolean isParent() {
        return parentMid == null;
    }
}
