package edu.cu.ecomm.optout.ledger;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;
import org.h2.api.ErrorCode;

/**
 * Tells the connection pool to drop a connection whose embedded H2 database has closed itself. H2 closes the
 * database when it cannot write its file (a full disk: "No space left on device"), and every pooled connection then
 * answers "The database has been closed" forever — an error code Hikari does not know as fatal, so it would keep
 * handing them out and the service would need a restart. Dropped, they are replaced by new connections, which open
 * the file again once there is space; nothing committed is lost (intake resumes from its stored checkpoint).
 * Configured by {@code spring.datasource.hikari.exception-override-class-name}; other errors are judged as usual.
 */
public class ClosedEmbeddedLedgerEviction implements SQLExceptionOverride {

    @java.lang.Override // the nested enum Override hides the annotation's simple name here
    public Override adjudicate(SQLException exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && (sql.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED
                    || sql.getErrorCode() == ErrorCode.DATABASE_CALLED_AT_SHUTDOWN)) {
                return Override.MUST_EVICT;
            }
        }
        return Override.CONTINUE_EVICT;
    }
}
