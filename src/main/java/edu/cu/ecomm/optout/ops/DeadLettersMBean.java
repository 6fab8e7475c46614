package edu.cu.ecomm.optout.ops;

import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.DeadLetterService.Outcome;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/** JMX: what could not be processed ({@code edu.cu.ecomm.optout:type=DeadLetters}), through the dead-letter service. */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=DeadLetters",
        description = "Dead letters: events and changes that could not be processed; list, replay, discard")
public class DeadLettersMBean {

    private final LedgerFigures figures;
    private final DeadLetters letters;
    private final DeadLetterService deadLetters;

    public DeadLettersMBean(LedgerFigures figures, DeadLetters letters, DeadLetterService deadLetters) {
        this.figures = figures;
        this.letters = letters;
        this.deadLetters = deadLetters;
    }

    @ManagedAttribute(description = "Dead letters waiting for an operator (state OPEN, or REPLAYING while a replay runs)")
    public long getOpen() {
        return letters.countOpen();
    }

    @ManagedAttribute(description = "Dead letters recorded, all time")
    public long getTotal() {
        return figures.deadLetters();
    }

    @ManagedOperation(description = "The open dead letters, oldest first: id, time, route, contact, reason"
            + " (a letter being replayed says since when)")
    public String[] listOpen() {
        return deadLetters.open().stream().map(letter -> letter.id() + " | " + letter.createdAt() + " | "
                + letter.routeId() + " | " + (letter.contactId() == null ? "-" : letter.contactId()) + " | "
                + (letter.replayClaimedAt() == null ? "" : "REPLAYING since " + letter.replayClaimedAt() + " | ")
                + letter.reason()).toArray(String[]::new);
    }

    @ManagedOperation(description = "Process a dead letter again; it stays open if that fails; refused while another"
            + " replay of it runs")
    @ManagedOperationParameter(name = "id", description = "Dead letter id (see listOpen)")
    public String replay(long id) {
        return answer(deadLetters.replay(id));
    }

    @ManagedOperation(description = "Close a dead letter without processing it")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "id", description = "Dead letter id (see listOpen)"),
            @ManagedOperationParameter(name = "note", description = "Why nothing needs doing, for the record")})
    public String discard(long id, String note) {
        return answer(deadLetters.discard(id, note));
    }

    private static String answer(Outcome outcome) {
        return "Dead letter " + outcome.id() + (outcome.resolved() ? " resolved: " : " not resolved: ")
                + outcome.message();
    }
}
