package edu.cu.ecomm.optout.emulator.salesforce;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One committed change to contacts in the emulated org, as Change Data Capture sees it. The REST side
 * produces one per committed DML (a composite update of many contacts with the same values is one commit
 * with many record ids); the Pub/Sub side turns each into a {@code ContactChangeEvent}.
 *
 * @param changeType      CREATE, UPDATE, DELETE, UNDELETE, GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE
 *                        or GAP_OVERFLOW
 * @param recordIds       18-character Contact ids; empty for GAP_OVERFLOW
 * @param values          new values of the changed fields by API name (compound parts by their own name,
 *                        e.g. {@code FirstName}); Boolean, String or Instant; absent for gap events
 * @param changedFields   API names of changed fields (compound parts as {@code Name.FirstName})
 * @param nulledFields    API names of fields set to null, same spelling
 * @param changeOrigin    e.g. {@code com/salesforce/api/rest/64.0} or {@code com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/}
 * @param transactionKey  unique per transaction
 * @param sequenceNumber  order of this change within its transaction, from 1
 * @param commitTimestamp when the transaction committed
 * @param commitNumber    system change number, increasing
 * @param commitUser      18-character id of the user who made the change
 */
public record ContactChangeCommit(
        String changeType,
        List<String> recordIds,
        Map<String, Object> values,
        Set<String> changedFields,
        Set<String> nulledFields,
        String changeOrigin,
        String transactionKey,
        int sequenceNumber,
        Instant commitTimestamp,
        long commitNumber,
        String commitUser) {
}
