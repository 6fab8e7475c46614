package edu.cu.ecomm.optout.delivery;

import java.util.List;
import java.util.Map;

/** Runs a SOQL query against Salesforce and returns every record (all pages) as field maps. */
@FunctionalInterface
public interface SoqlQueries {

    List<Map<String, Object>> query(String soql);
}
