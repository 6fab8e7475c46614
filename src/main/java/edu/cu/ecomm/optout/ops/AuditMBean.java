package edu.cu.ecomm.optout.ops;

import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * JMX: the parity audit between Salesforce and CU Ascend ({@code edu.cu.ecomm.optout:type=Audit}). The audit
 * (issue 7) is not built yet, so there are no discrepancies to count; this reports 0 until it lands.
 */
@Component
@ManagedResource(objectName = Jmx.DOMAIN + ":type=Audit",
        description = "Parity audit between Salesforce and CU Ascend (not built yet: always 0)")
public class AuditMBean {

    @ManagedAttribute(description = "Discrepancies the last parity audit found and nobody resolved yet (0 until the audit is built)")
    public long getDiscrepancies() {
        return 0;
    }
}
