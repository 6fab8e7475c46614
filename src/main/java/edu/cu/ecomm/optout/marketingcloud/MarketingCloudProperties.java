package edu.cu.ecomm.optout.marketingcloud;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the service reaches Marketing Cloud: the installed package's API integration (client credentials),
 * the account (parent business unit) and the business units the eComm team checks.
 * Bound from {@code optout.marketing-cloud} in {@code application.yaml}.
 */
@ConfigurationProperties(prefix = "optout.marketing-cloud")
public class MarketingCloudProperties {

    /** A business unit the eComm team checks: its MID ({@code Client.ID}) and the name people use for it. */
    public static class BusinessUnit {
        private long mid;
        private String name;

        public BusinessUnit() {
        }

        public BusinessUnit(long mid, String name) {
            this.mid = mid;
            this.name = name;
        }

        public long getMid() {
            return mid;
        }

        public void setMid(long mid) {
            this.mid = mid;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name + " (" + mid + ")";
        }
    }

    /** {@code https://{subdomain}.auth.marketingcloudapis.com}; the token endpoint is {@code /v2/token} below it. */
    private String authBaseUrl = "";
    private String clientId = "";
    /** From the environment ({@code MARKETING_CLOUD_CLIENT_SECRET}); never logged. */
    private String clientSecret = "";
    /** MID of the parent business unit the token is issued for; empty: the package's default unit. */
    private Long accountId;
    /** Subscriber keys per Retrieve (one {@code IN} filter). */
    private int batchSize = 200;
    /** True: one Retrieve sees every business unit ({@code QueryAllAccounts}); false: only {@link #businessUnits}. */
    private boolean queryAllAccounts = true;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    /** A token is renewed this long before Marketing Cloud says it expires. */
    private Duration tokenRefreshMargin = Duration.ofSeconds(60);
    private List<BusinessUnit> businessUnits = new ArrayList<>();

    public String getAuthBaseUrl() {
        return authBaseUrl;
    }

    public void setAuthBaseUrl(String authBaseUrl) {
        this.authBaseUrl = authBaseUrl;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public Long getAccountId() {
        return accountId;
    }

    public void setAccountId(Long accountId) {
        this.accountId = accountId;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public boolean isQueryAllAccounts() {
        return queryAllAccounts;
    }

    public void setQueryAllAccounts(boolean queryAllAccounts) {
        this.queryAllAccounts = queryAllAccounts;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getTokenRefreshMargin() {
        return tokenRefreshMargin;
    }

    public void setTokenRefreshMargin(Duration tokenRefreshMargin) {
        this.tokenRefreshMargin = tokenRefreshMargin;
    }

    public List<BusinessUnit> getBusinessUnits() {
        return businessUnits;
    }

    public void setBusinessUnits(List<BusinessUnit> businessUnits) {
        this.businessUnits = businessUnits;
    }

    @Override
    public String toString() {
        // Never the secret.
        return "MarketingCloudProperties{authBaseUrl=" + authBaseUrl + ", clientId=" + clientId
                + ", accountId=" + accountId + ", batchSize=" + batchSize + ", queryAllAccounts=" + queryAllAccounts
                + ", businessUnits=" + businessUnits + "}";
    }
}
