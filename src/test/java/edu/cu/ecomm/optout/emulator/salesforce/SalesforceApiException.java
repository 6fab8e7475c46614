package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.List;

/**
 * A request the emulated org refuses, carrying what Salesforce would answer: the HTTP status and one entry
 * of the REST error array ({@code [{"message","errorCode","fields"}]}).
 */
final class SalesforceApiException extends RuntimeException {

    private final int status;
    private final String errorCode;
    private final List<String> fields;

    SalesforceApiException(int status, String errorCode, String message, List<String> fields) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
        this.fields = List.copyOf(fields);
    }

    SalesforceApiException(int status, String errorCode, String message) {
        this(status, errorCode, message, List.of());
    }

    static SalesforceApiException notFound() {
        return new SalesforceApiException(404, "NOT_FOUND", "The requested resource does not exist");
    }

    static SalesforceApiException malformedId(String id) {
        return new SalesforceApiException(404, "MALFORMED_ID", "Contact ID: id value of incorrect type: " + id,
                List.of("Id"));
    }

    int status() {
        return status;
    }

    String errorCode() {
        return errorCode;
    }

    List<String> fields() {
        return fields;
    }
}
