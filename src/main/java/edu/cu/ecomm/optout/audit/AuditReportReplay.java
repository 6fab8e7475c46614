package edu.cu.ecomm.optout.audit;

import java.nio.file.Files;
import java.util.Optional;

import edu.cu.ecomm.optout.ledger.DeadLetterReplayer;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Replays the dead letter of an audit whose report could not be delivered ({@link ParityAudit#failed}): the same two
 * files, kept in the staging folder, go to the endpoint again through the route {@code parity-audit-report-replay},
 * which then marks the audit REPORTED and removes them from the staging folder, as a delivery that went well does.
 * As the nightly batch's, a report that failed is delivered as it was written, not made again. Other letters of the
 * audit (it failed before its report, or did not start) have nothing to replay: the audit is run again.
 */
@Component("auditReportReplay")
public class AuditReportReplay implements DeadLetterReplayer {

    static final String ROUTE = "direct:parity-audit-report-replay";
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
        return ParityAudit.ROUTE_ID.equals(letter.routeId())
                && auditOf(letter).flatMap(audits::undeliveredReport).isPresent();
    }

    /**
     * Delivers the audit's staged report.
     *
     * @throws IllegalStateException when its files are not in this node's staging folder (removed by hand, or the
     *                               audit ran on another node whose staging folder is not shared)
     */
    @Override
    public String replay(DeadLetter letter) {
        long auditId = auditOf(letter).orElseThrow();
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

    /** The audit a letter names ({@code parity_audit <id>}), if it names one. */
    private static Optional<Long> auditOf(DeadLetter letter) {
        String payload = letter.payload();
        if (payload == null || !payload.matches(PAYLOAD + "\\d+")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(payload.substring(PAYLOAD.length())));
    }
}
