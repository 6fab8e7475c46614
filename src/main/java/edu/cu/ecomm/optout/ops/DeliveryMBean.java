package edu.cu.ecomm.optout.ops;

import edu.cu.ecomm.optout.ledger.ChangeLedger;
import edu.cu.ecomm.optout.ledger.ChangeState;
import org.apache.camel.ProducerTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/** JMX: the nightly delivery to CU Ascend ({@code edu.cu.ecomm.optout:type=Delivery}). */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=Delivery",
        description = "Nightly delivery to CU Ascend: changes waiting, the last batch; deliver now")
public class DeliveryMBean {

    static final String DELIVER_NOW = "direct:ascend-deliver-now";

    private final LedgerFigures figures;
    private final ChangeLedger ledger;
    private final DeliveryFigures delivery;
    private final ProducerTemplate producer;

    public DeliveryMBean(LedgerFigures figures, ChangeLedger ledger, DeliveryFigures delivery, ProducerTemplate producer) {
        this.figures = figures;
        this.ledger = ledger;
        this.delivery = delivery;
        this.producer = producer;
    }

    @ManagedAttribute(description = "Changes recorded but not yet delivered to CU Ascend (RECEIVED or READY; a change in a batch being delivered stays READY until it is marked DELIVERED)")
    public long getWaitingForDelivery() {
        return figures.waitingForDelivery();
    }

    @ManagedAttribute(description = "Seconds the oldest undelivered change has waited since it was recorded (0 when none waits)")
    public long getOldestWaitingAgeSeconds() {
        return figures.oldestWaitingAge().toSeconds();
    }

    @ManagedAttribute(description = "When the oldest undelivered change was recorded (ISO-8601; empty when none waits)")
    public String getOldestWaitingSince() {
        return Jmx.time(figures.oldestWaitingSince());
    }

    @ManagedAttribute(description = "Changes held for review (e.g. a mass opt-in from a data load); not delivered until released")
    public long getHeldChanges() {
        return ledger.count(ChangeState.HELD);
    }

    @ManagedAttribute(description = "Id of the last batch delivered to CU Ascend (-1 before the first)")
    public long getLastBatchId() {
        return delivery.lastDelivered().map(DeliveryFigures.Batch::id).orElse(-1L);
    }

    @ManagedAttribute(description = "File name of the last batch delivered (empty before the first)")
    public String getLastBatchFile() {
        return delivery.lastDelivered().map(DeliveryFigures.Batch::fileName).orElse("");
    }

    @ManagedAttribute(description = "Contacts (rows) in the last batch delivered (0 before the first)")
    public long getLastBatchRows() {
        return delivery.lastDelivered().map(b -> b.rows() == null ? 0L : b.rows().longValue()).orElse(0L);
    }

    @ManagedAttribute(description = "When the last batch was delivered (ISO-8601; empty before the first)")
    public String getLastBatchDeliveredAt() {
        return Jmx.time(delivery.lastDelivered().map(DeliveryFigures.Batch::deliveredAt));
    }

    @ManagedAttribute(description = "A batch that failed to go out and is re-sent first by the next run: id, attempts, error (empty when none)")
    public String getPendingBatch() {
        return delivery.pending().map(b -> b.id() + " (" + b.fileName() + "), " + b.attempts() + " attempt(s)"
                + (b.lastError() == null ? "" : ", last error: " + b.lastError())).orElse("");
    }

    @ManagedOperation(description = "Deliver to CU Ascend now, outside the nightly schedule")
    public String deliverNow() {
        long before = delivery.batchesDelivered();
        producer.requestBody(DELIVER_NOW, (Object) null);
        long delivered = delivery.batchesDelivered() - before;
        return delivered == 0 ? "Nothing to deliver" + pendingNote()
                : delivered + " batch(es) delivered; last: " + getLastBatchFile() + ", " + getLastBatchRows() + " row(s)";
    }

    private String pendingNote() {
        String pending = getPendingBatch();
        return pending.isEmpty() ? "" : "; pending batch " + pending;
    }
}
