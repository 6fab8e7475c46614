package edu.cu.ecomm.optout.audit;

/** CU Ascend's export cannot be audited at all (no usable header, unreadable CSV): the file is rejected whole. */
public class AscendExportRejectedException extends RuntimeException {

    public AscendExportRejectedException(String message) {
        super(message);
    }

    public AscendExportRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
