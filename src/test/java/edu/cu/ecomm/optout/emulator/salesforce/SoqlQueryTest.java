package edu.cu.ecomm.optout.emulator.salesforce;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoqlQueryTest {

    private static final String ADA = SalesforceIds.to18("0035e0000000001");
    private static final String BOB = SalesforceIds.to18("0035e0000000002");
    private static final String CY = SalesforceIds.to18("0035e0000000003");
    private static final String DEE = SalesforceIds.to18("0035e0000000004");

    private static final List<Map<String, Object>> ROWS = List.of(
            row(ADA, "Ada", "Lovelace", "ada@example.com", true, "2026-01-01T00:00:00Z"),
            row(BOB, "Bob", "Lovelace", "BOB@example.com", false, "2026-01-02T12:00:00Z"),
            row(CY, "Cy", "Young", null, false, "2026-01-03T00:00:00Z"),
            row(DEE, null, "Dee", "dee@example.org", true, "2026-01-01T00:00:00Z"));

    private static Map<String, Object> row(String id, String first, String last, String email, boolean optedOut,
                                           String modified) {
        Map<String, Object> row = new HashMap<>();
        row.put("Id", id);
        row.put("FirstName", first);
        row.put("LastName", last);
        row.put("Email", email);
        row.put("HasOptedOutOfEmail", optedOut);
        row.put("LastModifiedDate", Instant.parse(modified));
        return row;
    }

    private static List<Object> ids(String soql) {
        return SoqlQuery.parse(soql).select(ROWS).stream().map(r -> r.get("Id")).toList();
    }

    @Test
    void selectListIsCaseInsensitiveAndReportsCanonicalNames() {
        SoqlQuery query = SoqlQuery.parse("select id, EMAIL, firstname, hasoptedoutofemail from contact");
        assertThat(query.fields()).extracting(ContactFields.Field::name)
                .containsExactly("Id", "Email", "FirstName", "HasOptedOutOfEmail");
    }

    @Test
    void withoutWhereEveryRowMatchesInIdOrder() {
        assertThat(ids("SELECT Id FROM Contact")).containsExactly(ADA, BOB, CY, DEE);
    }

    @Test
    void equalityOnTextIgnoresCase() {
        assertThat(ids("SELECT Id FROM Contact WHERE Email = 'bob@EXAMPLE.com'")).containsExactly(BOB);
    }

    @Test
    void notEqualIncludesNullValues() {
        assertThat(ids("SELECT Id FROM Contact WHERE Email != 'ada@example.com'")).containsExactly(BOB, CY, DEE);
        assertThat(ids("SELECT Id FROM Contact WHERE Email <> 'ada@example.com'")).containsExactly(BOB, CY, DEE);
    }

    @Test
    void nullLiteralsMatchMissingValues() {
        assertThat(ids("SELECT Id FROM Contact WHERE Email = null")).containsExactly(CY);
        assertThat(ids("SELECT Id FROM Contact WHERE FirstName != NULL")).containsExactly(ADA, BOB, CY);
    }

    @Test
    void booleanLiterals() {
        assertThat(ids("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = TRUE")).containsExactly(ADA, DEE);
        assertThat(ids("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = false")).containsExactly(BOB, CY);
    }

    @Test
    void dateTimeComparisonsAcceptUtcAndOffsetLiterals() {
        assertThat(ids("SELECT Id FROM Contact WHERE LastModifiedDate > 2026-01-01T00:00:00Z"))
                .containsExactly(BOB, CY);
        assertThat(ids("SELECT Id FROM Contact WHERE LastModifiedDate >= 2026-01-02T05:00:00-07:00"))
                .containsExactly(BOB, CY);
        assertThat(ids("SELECT Id FROM Contact WHERE LastModifiedDate < 2026-01-02T12:00:00.000Z"))
                .containsExactly(ADA, DEE);
        assertThat(ids("SELECT Id FROM Contact WHERE LastModifiedDate <= 2026-01-02T12:00:00Z"))
                .containsExactly(ADA, BOB, DEE);
    }

    @Test
    void orderingComparisonsAreFalseForNull() {
        assertThat(ids("SELECT Id FROM Contact WHERE Email > 'a'")).containsExactly(ADA, BOB, DEE);
    }

    @Test
    void inAndNotInLists() {
        assertThat(ids("SELECT Id FROM Contact WHERE Id IN ('" + BOB + "', '" + CY.substring(0, 15) + "')"))
                .containsExactly(BOB, CY);
        assertThat(ids("SELECT Id FROM Contact WHERE LastName NOT IN ('lovelace')")).containsExactly(CY, DEE);
    }

    @Test
    void likeUsesPercentAndUnderscoreWildcards() {
        assertThat(ids("SELECT Id FROM Contact WHERE Email LIKE '%@example.com'")).containsExactly(ADA, BOB);
        assertThat(ids("SELECT Id FROM Contact WHERE FirstName LIKE '_y'")).containsExactly(CY);
        assertThat(ids("SELECT Id FROM Contact WHERE FirstName LIKE 'A\\_a'")).isEmpty();
    }

    @Test
    void andOrNotAndParentheses() {
        assertThat(ids("SELECT Id FROM Contact WHERE LastName = 'Lovelace' AND HasOptedOutOfEmail = true"))
                .containsExactly(ADA);
        assertThat(ids("SELECT Id FROM Contact WHERE FirstName = 'Cy' OR LastName = 'Dee'")).containsExactly(CY, DEE);
        assertThat(ids("SELECT Id FROM Contact WHERE (FirstName = 'Cy' OR LastName = 'Dee') AND Email != null"))
                .containsExactly(DEE);
        assertThat(ids("SELECT Id FROM Contact WHERE NOT (LastName = 'Lovelace')")).containsExactly(CY, DEE);
    }

    @Test
    void orderByFieldsWithDirectionsAndNulls() {
        assertThat(ids("SELECT Id FROM Contact ORDER BY LastModifiedDate DESC, LastName ASC"))
                .containsExactly(CY, BOB, DEE, ADA);
        assertThat(ids("SELECT Id FROM Contact ORDER BY FirstName")).containsExactly(DEE, ADA, BOB, CY);
        assertThat(ids("SELECT Id FROM Contact ORDER BY FirstName DESC")).containsExactly(CY, BOB, ADA, DEE);
        assertThat(ids("SELECT Id FROM Contact ORDER BY FirstName ASC NULLS LAST")).containsExactly(ADA, BOB, CY, DEE);
    }

    @Test
    void limitCutsTheOrderedResult() {
        assertThat(ids("SELECT Id FROM Contact ORDER BY LastName DESC LIMIT 2")).containsExactly(CY, ADA);
    }

    @Test
    void compoundNameIsQueryable() {
        Map<String, Object> withName = new HashMap<>(ROWS.get(0));
        withName.put("Name", "Ada Lovelace");
        assertThat(SoqlQuery.parse("SELECT Name FROM Contact WHERE Name = 'ada lovelace'").select(List.of(withName)))
                .hasSize(1);
    }

    @Nested
    class Refuses {

        @Test
        void anUnknownFieldWithSalesforcesPositionedMessage() {
            assertThatThrownBy(() -> SoqlQuery.parse("SELECT Id, Shoe_Size__c FROM Contact"))
                    .isInstanceOfSatisfying(SalesforceApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.errorCode()).isEqualTo("INVALID_FIELD");
                        assertThat(e.getMessage()).isEqualTo("""

                                SELECT Id, Shoe_Size__c FROM Contact
                                           ^
                                ERROR at Row:1:Column:12
                                No such column 'Shoe_Size__c' on entity 'Contact'. If you are attempting to use a \
                                custom field, be sure to append the '__c' after the custom field name. Please \
                                reference your WSDL or the describe call for the appropriate names.""");
                    });
        }

        @Test
        void anUnknownFieldInWhereOrOrderBy() {
            assertThat(errorCode("SELECT Id FROM Contact WHERE Shoe = 'x'")).isEqualTo("INVALID_FIELD");
            assertThat(errorCode("SELECT Id FROM Contact ORDER BY Shoe")).isEqualTo("INVALID_FIELD");
        }

        @Test
        void anUnknownObject() {
            assertThat(errorCode("SELECT Id FROM Lead")).isEqualTo("INVALID_TYPE");
        }

        @Test
        void malformedSyntax() {
            assertThat(errorCode("SELECT FROM Contact")).isEqualTo("MALFORMED_QUERY");
            assertThat(errorCode("SELECT Id FROM Contact WHERE")).isEqualTo("MALFORMED_QUERY");
            assertThat(errorCode("SELECT Id FROM Contact WHERE Email = 'x")).isEqualTo("MALFORMED_QUERY");
            assertThat(errorCode("SELECT Id FROM Contact LIMIT ten")).isEqualTo("MALFORMED_QUERY");
            assertThat(errorCode("SELECT Id FROM Contact WHERE Email ~ 'x'")).isEqualTo("MALFORMED_QUERY");
            assertThat(errorCode("SELECT Id, Id FROM Contact")).isEqualTo("MALFORMED_QUERY");
        }

        @Test
        void mixingAndWithOrWithoutParentheses() {
            assertThatThrownBy(() -> SoqlQuery.parse(
                    "SELECT Id FROM Contact WHERE Email = null AND FirstName = 'a' OR LastName = 'b'"))
                    .hasMessageEndingWith("unexpected token: OR");
        }

        @Test
        void aLiteralOfTheWrongType() {
            assertThatThrownBy(() -> SoqlQuery.parse("SELECT Id FROM Contact WHERE LastModifiedDate > '2026-01-01'"))
                    .hasMessageEndingWith("value of filter criterion for field 'LastModifiedDate' must be of type"
                            + " dateTime and should not be enclosed in quotes");
            assertThat(errorCode("SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'")).isEqualTo("MALFORMED_QUERY");
            assertThat(errorCode("SELECT Id FROM Contact WHERE Email = 42")).isEqualTo("MALFORMED_QUERY");
        }

        @Test
        void aMalformedIdLiteral() {
            assertThat(errorCode("SELECT Id FROM Contact WHERE Id = 'nope'")).isEqualTo("INVALID_QUERY_FILTER_OPERATOR");
        }

        private String errorCode(String soql) {
            try {
                SoqlQuery.parse(soql);
            } catch (SalesforceApiException e) {
                return e.errorCode();
            }
            throw new AssertionError("accepted: " + soql);
        }
    }
}
