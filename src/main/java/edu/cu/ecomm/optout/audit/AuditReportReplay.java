package edu.cu.ecomm.optout.audit;

import java.nio.file.Files;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Replays the audit's dead letters. Of an audit whose report could not be delivered ({@link ParityAudit#failed}):
 * the same two files, kept in the staging folder, go to the endpoint again through the route
 * {@code parity-audit-report-replay}, which then marks the audit REPORTED and removes them from the staging folder,
 * as a delivery that went well does. As the nightly batch's, a report that failed is delivered as it was written, not
 * made again. Of an audit that failed before its report, or did not start: what it would have found is only found by
 * auditing again, so a new audit starts on the newest export, as JMX {@code Audit.runAuditNow} starts one.
 */
@Component("auditReportReplay")
public class AuditReportReplay implements DeadLetterReplayer {

    static final String ROUTE = "direct:parity-audit-report-replay";
    private static final String AUDIT_ROUTE = "direct:parity-audit";
    private static final String PAYLOAD = "parity_audit ";

    private final ParityAudit audits;
    private final AuditReport report;
    private final ProducerTemplate producer;

    public AuditReportReplay(ParityAudit audits, AuditReport report, ProducerTemplate producer) {
        this.audits = audits;
        this.report = report;
        this.producer = producer;
    }

    @Override
    public boolean handles(DeadLetter letter) {
        return ParityAudit.ROUTE_ID.equals(letter.routeId());
    }

    /**
     * Delivers the audit's staged report, or, when it has none, starts a new audit.
     *
     * @throws IllegalStateException    when the report's files are not in this node's staging folder (removed by
     *                                  hand, or the audit ran on another node whose staging folder is not shared),
     *                                  or an audit is running
     * @throws AuditNotStartedException when there is no export to audit (none staged, or the newest too old)
     */
    @Override
    public String replay(DeadLetter letter) {
        Optional<Long> audit = auditOf(letter);
        if (audit.flatMap(audits::undeliveredReport).isEmpty()) {
            return auditAgain(audit);
        }
        long auditId = audit.get();
        AuditReport.Files files = report.staged(audits.undeliveredReport(auditId).orElseThrow(
                () -> new IllegalStateException("parity audit " + auditId + " has no undelivered report")));
        if (!Files.exists(files.csv()) || !Files.exists(files.totals())) {
            throw new IllegalStateException("the report of parity audit " + auditId + " (" + files.csvName()
                    + " and its totals) is not in optout.audit.staging-dir on this node (" + files.csv().getParent()
                    + "): replay the letter on the node that ran the audit, or, if the files are gone, run the audit"
                    + " again (Audit.runAuditNow) and discard this letter");
        }
        producer.requestBodyAndHeader(ROUTE, files, "auditId", auditId);
        return "report " + files.csvName() + " of parity audit " + auditId + " delivered; the audit is REPORTED";
    }

    /**
     * Starts a new audit, checked as JMX runAuditNow checks it: a dead audit's slot freed first, then refused while
     * another runs (on any node) or when there is no export to audit. The audit runs on its own; should it fail, it
     * leaves a dead letter of its own, so this one is done.
     */
    private String auditAgain(Optional<Long> failedAudit) {
        audits.abandonStale();
        if (audits.isRunning()) {
            // Only one audit runs at a time, and it is the newest.
            throw new IllegalStateException(audits.last().map(last -> "parity audit " + last.id()).orElse("an audit")
                    + " is running: replay this letter once it has finished, or discard it if that audit does what"
                    + " it asks");
        }
        audits.exportToAudit();
        producer.asyncRequestBodyAndHeader(AUDIT_ROUTE, null, "auditTrigger", "OPERATOR");
        return failedAudit.map(id -> "parity audit " + id + " failed before its report").orElse("the parity audit"
                + " did not run") + ": a new audit was started; watch Audit.LastRunState (should it fail, it leaves a"
                + " dead letter of its own)";
    }

    /** The audit a letter names ({@code parity_audit <id>}), if it names one. */
    private static Optional<Long> auditOf(DeadLetter letter) {
        String payload = letter.payload();
        if (payload == null || !payload.matches(PAYLOAD + "\\d+")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(payload.substring(PAYLOAD.length())));
    }
}
