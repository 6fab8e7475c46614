package edu.cu.ecomm.optout.ops;

import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import edu.cu.ecomm.optout.audit.AscendExports;
import edu.cu.ecomm.optout.audit.AuditFigures;
import edu.cu.ecomm.optout.audit.AuditNotStartedException;
import edu.cu.ecomm.optout.audit.ParityAudit;
import org.apache.camel.ProducerTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * JMX: the parity audit between Salesforce and CU Ascend ({@code edu.cu.ecomm.optout:type=Audit}). Figures are those
 * of the last audit whose comparison finished; run state and error those of the newest audit.
 */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=Audit",
        description = "Parity audit between Salesforce and CU Ascend (routes/audit.camel.yaml)")
public class AuditMBean {

    private static final int BAD_ROWS_SHOWN = 50;

    private final ParityAudit audits;
    private final AscendExports exports;
    private final ProducerTemplate producer;

    public AuditMBean(ParityAudit audits, AscendExports exports, ProducerTemplate producer) {
        this.audits = audits;
        this.exports = exports;
        this.producer = producer;
    }

    @ManagedAttribute(description = "Disagreements the last audit found, every kind (contacts in flight or held not counted); 0 before the first audit")
    public long getDiscrepancies() {
        return compared(AuditFigures::discrepancies);
    }

    @ManagedAttribute(description = "Last audit: contacts opted out in Salesforce but not in CU Ascend's export")
    public long getOptedOutInSalesforceOnly() {
        return compared(AuditFigures::optedOutInSalesforceOnly);
    }

    @ManagedAttribute(description = "Last audit: contacts opted out in CU Ascend's export but not in Salesforce")
    public long getOptedOutInAscendOnly() {
        return compared(AuditFigures::optedOutInAscendOnly);
    }

    @ManagedAttribute(description = "Last audit: Salesforce contacts CU Ascend's export does not list")
    public long getInSalesforceOnly() {
        return compared(AuditFigures::inSalesforceOnly);
    }

    @ManagedAttribute(description = "Last audit: contacts in CU Ascend's export that Salesforce does not have")
    public long getInAscendOnly() {
        return compared(AuditFigures::inAscendOnly);
    }

    @ManagedAttribute(description = "Last audit: differing contacts with a change still on its way to CU Ascend (not corrected)")
    public long getInFlight() {
        return compared(AuditFigures::inFlight);
    }

    @ManagedAttribute(description = "Last audit: differing contacts whose change is held for review or was rejected (not corrected)")
    public long getHeld() {
        return compared(AuditFigures::held);
    }

    @ManagedAttribute(description = "Last audit: disagreements corrected (optout.audit.correct=true): Salesforce's value goes in the next nightly batch")
    public long getCorrected() {
        return compared(AuditFigures::corrected);
    }

    @ManagedAttribute(description = "Last audit: Salesforce contacts read")
    public long getSalesforceContacts() {
        return compared(AuditFigures::salesforceContacts);
    }

    @ManagedAttribute(description = "Last audit: contacts in the CU Ascend export used")
    public long getAscendContacts() {
        return compared(AuditFigures::ascendContacts);
    }

    @ManagedAttribute(description = "Last audit: the CU Ascend export file it compared with (empty before the first)")
    public String getExportUsed() {
        return audits.lastCompared().map(AuditFigures::exportFile).orElse("");
    }

    @ManagedAttribute(description = "Last audit: bad rows of the export it used (not audited; see ExportBadRowList and the report)")
    public long getExportBadRows() {
        return compared(AuditFigures::exportBadRows);
    }

    @ManagedAttribute(description = "Last audit: its report file (empty before the first)")
    public String getLastReport() {
        return audits.lastCompared().map(AuditFigures::reportFile).map(String::valueOf).orElse("");
    }

    @ManagedAttribute(description = "When the newest audit started (ISO-8601; empty before the first)")
    public String getLastRunStarted() {
        return newest(audit -> String.valueOf(audit.startedAt()));
    }

    @ManagedAttribute(description = "When the newest audit ended (ISO-8601; empty while it runs or before the first)")
    public String getLastRunCompleted() {
        return newest(audit -> audit.completedAt() == null ? "" : audit.completedAt().toString());
    }

    @ManagedAttribute(description = "State of the newest audit: RUNNING, COMPARED (report not yet delivered), REPORTED or FAILED")
    public String getLastRunState() {
        return newest(AuditFigures::state);
    }

    @ManagedAttribute(description = "Why the newest audit failed (empty unless FAILED)")
    public String getLastError() {
        return newest(audit -> audit.error() == null ? "" : audit.error());
    }

    @ManagedAttribute(description = "The newest CU Ascend export received: file, state (RECEIVING while staged, STAGED, REJECTED or FAILED), contacts, bad rows, error")
    public String getLatestExport() {
        return exports.newest().map(export -> export.fileName() + " " + export.state()
                + (export.values() == null ? "" : ", " + export.values() + " contacts")
                + (export.badRows() == null ? "" : ", " + export.badRows() + " bad rows")
                + (export.error() == null ? "" : ": " + export.error())).orElse("");
    }

    @ManagedAttribute(description = "Bad rows of the newest staged CU Ascend export, 'line N: reason' (first 50)")
    public List<String> getExportBadRowList() {
        return exports.newestStaged().map(export -> exports.badRows(export.id(), BAD_ROWS_SHOWN).stream()
                .map(row -> "line " + row.line() + ": " + row.reason()).toList()).orElse(List.of());
    }

    @ManagedOperation(description = "Run a parity audit now against the newest staged CU Ascend export; watch LastRunState")
    public String runAuditNow() {
        // An audit whose instance stopped mid-run still holds the slot; past optout.audit.abandon-after it is no
        // longer running, and the operator is not told to wait for it.
        audits.abandonStale();
        if (audits.isRunning()) {
            return "An audit is already running; watch LastRunState";
        }
        try {
            audits.exportToAudit();
        } catch (AuditNotStartedException e) {
            return "Not started: " + e.getMessage();
        }
        producer.asyncRequestBodyAndHeader("direct:parity-audit", null, "auditTrigger", "OPERATOR");
        return "Parity audit started; watch LastRunState";
    }

    private long compared(ToLongFunction<AuditFigures> figure) {
        return audits.lastCompared().map(figure::applyAsLong).orElse(0L);
    }

    private String newest(Function<AuditFigures, String> value) {
        return audits.last().map(value).orElse("");
    }
}
