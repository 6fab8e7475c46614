package edu.cu.ecomm.optout.marketingcloud;

/** Marketing Cloud could not be reached, refused the credentials, or answered a SOAP fault. Worth a retry. */
public class MarketingCloudException extends RuntimeException {

    public MarketingCloudException(String message) {
        super(message);
    }

    public MarketingCloudException(String message, Throwable cause) {
        super(message, cause);
    }
}
