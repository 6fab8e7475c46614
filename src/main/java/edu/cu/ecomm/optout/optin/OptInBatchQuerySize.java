package edu.cu.ecomm.optout.optin;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import edu.cu.ecomm.optout.intake.SoqlGetLimit;
import edu.cu.ecomm.optout.optout.SalesforceContacts;

/**
 * Refuses at start-up a batch size and field list whose opt-in look-up cannot fit in one Salesforce request. A
 * batch is read with one SOQL GET naming every contact id and every field of {@link SalesforceContacts}; if it does
 * not fit, Salesforce refuses every batch (414) and each is postponed forever, so the service must not start.
 */
@Component
class OptInBatchQuerySize {

    OptInBatchQuerySize(SalesforceContacts contacts, @Value("${optout.optin.batch-size:250}") int batchSize) {
        String largest = contacts.soqlFor(SoqlGetLimit.longestIds(batchSize));
        if (!SoqlGetLimit.fits(largest)) {
            int fitting = batchSize;
            while (fitting > 0 && !SoqlGetLimit.fits(contacts.soqlFor(SoqlGetLimit.longestIds(fitting)))) {
                fitting--;
            }
            throw new IllegalArgumentException("A batch of optout.optin.batch-size=" + batchSize
                    + " opt-ins is read from Salesforce with a query of " + SoqlGetLimit.uriBytes(largest)
                    + " bytes (fields " + contacts.fieldList() + "), over the " + SoqlGetLimit.MAX_URI_BYTES
                    + " a request's URI may take: Salesforce would refuse every batch. "
                    + (fitting > 0 ? "Lower optout.optin.batch-size to at most " + fitting + " or name fewer fields in "
                    : "Name fewer fields in ") + "optout.preferences.fields.");
        }
    }
}
