package edu.cu.ecomm.optout.ops;

import java.time.Clock;
import java.util.List;

import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.ledger.SqlTime;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedOperation;
import org.springframework.jmx.export.annotation.ManagedOperationParameter;
import org.springframework.jmx.export.annotation.ManagedOperationParameters;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/** JMX: what could not be processed ({@code edu.cu.ecomm.optout:type=DeadLetters}). */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=DeadLetters",
        description = "Dead letters: events and changes that could not be processed; list, replay, discard")
public class DeadLettersMBean {

    private final LedgerFigures figures;
    private final DeadLetters deadLetters;
    private final ObjectProvider<DeadLetterActions> actions;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    public DeadLettersMBean(LedgerFigures figures, DeadLetters deadLetters, ObjectProvider<DeadLetterActions> actions,
                            JdbcTemplate jdbc, Clock clock) {
        this.figures = figures;
        this.deadLetters = deadLetters;
        this.actions = actions;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @ManagedAttribute(description = "Dead letters waiting for an operator (state OPEN)")
    public long getOpen() {
        return figures.openDeadLetters();
    }

    @ManagedAttribute(description = "Dead letters recorded, all time")
    public long getTotal() {
        return figures.deadLetters();
    }

    @ManagedOperation(description = "The open dead letters, oldest first: id, time, route, contact, reason")
    public String[] listOpen() {
        List<DeadLetter> open = deadLetters.open();
        return open.stream().map(letter -> letter.id() + " | " + letter.createdAt() + " | " + letter.routeId() + " | "
                + (letter.contactId() == null ? "-" : letter.contactId()) + " | " + letter.reason())
                .toArray(String[]::new);
    }

    @ManagedOperation(description = "Process a dead letter again")
    @ManagedOperationParameter(name = "id", description = "Dead letter id (see listOpen)")
    public String replay(long id) {
        DeadLetterActions service = actions.getIfAvailable();
        return service == null ? "No dead-letter replay in this build; dead letter " + id + " stays open"
                : service.replay(id);
    }

    @ManagedOperation(description = "Close a dead letter without processing it")
    @ManagedOperationParameters({
            @ManagedOperationParameter(name = "id", description = "Dead letter id (see listOpen)"),
            @ManagedOperationParameter(name = "note", description = "Why, for the record")})
    public String discard(long id, String note) {
        DeadLetterActions service = actions.getIfAvailable();
        if (service != null) {
            return service.discard(id, note);
        }
        int closed = jdbc.update("update dead_letter set state = 'DISCARDED', resolved_at = ? where id = ? and state = 'OPEN'",
                SqlTime.toSql(clock.instant()), id);
        return closed == 1 ? "Dead letter " + id + " discarded: " + (note == null ? "" : note)
                : "Dead letter " + id + " is not open";
    }
}
