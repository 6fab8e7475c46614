package edu.cu.ecomm.optout.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AscendExportReaderTest {

    static final String ID_15 = "003000000000001";
    static final String ID_18 = "003000000000001AAA";

    private final List<String> found = new ArrayList<>();
    private final AscendExportReader reader = new AscendExportReader("ContactId", "EmailOptOut");

    private long read(String csv) {
        return reader.read(new StringReader(csv), new AscendExportReader.Sink() {
            @Override
            public void value(long line, String contactId, boolean optedOut) {
                found.add(line + " " + contactId + " " + optedOut);
            }

            @Override
            public void badRow(long line, String reason, String content) {
                found.add(line + " BAD " + reason);
            }
        });
    }

    @Test
    void readsTheTwoColumnsByNameInAnyOrderAndCaseIgnoringTheOthers() {
        long rows = read("Name,emailoptout,Email,CONTACTID\r\n"
                + "Ann,TRUE,ann@example.edu,003000000000002AAA\r\n"
                + "Bob,false,bob@example.edu,003000000000003AAA\r\n");

        assertThat(rows).isEqualTo(2);
        assertThat(found).containsExactly("2 003000000000002AAA true", "3 003000000000003AAA false");
    }

    @Test
    void normalisesFifteenCharacterIdsToEighteen() {
        read("ContactId,EmailOptOut\n" + ID_15 + ",True\n");

        assertThat(found).containsExactly("2 " + ID_18 + " true");
    }

    @Test
    void readsEighteenCharacterIdsAnotherSystemUpperOrLowerCasedInSalesforcesLetterCase() {
        read("ContactId,EmailOptOut\n003A0000006VM9RIAC,TRUE\n003a0000006vm9riac,FALSE\n");

        assertThat(found).containsExactly("2 003A0000006Vm9rIAC true", "3 003A0000006Vm9rIAC false");
    }

    @Test
    void stripsAByteOrderMarkAndSpacesAroundCells() {
        read("\uFEFFContactId , EmailOptOut\n " + ID_18 + " , FALSE \n");

        assertThat(found).containsExactly("2 " + ID_18 + " false");
    }

    @Test
    void honoursConfiguredColumnNames() {
        List<String> values = new ArrayList<>();
        new AscendExportReader("SF_Contact_Id", "No_Email").read(new StringReader("SF_Contact_Id,No_Email\n"
                + ID_18 + ",TRUE\n"), new AscendExportReader.Sink() {
                    @Override
                    public void value(long line, String contactId, boolean optedOut) {
                        values.add(contactId);
                    }

                    @Override
                    public void badRow(long line, String reason, String content) {
                        values.add("BAD");
                    }
                });

        assertThat(values).containsExactly(ID_18);
    }

    @Test
    void reportsEachBadRowWithItsLineNumberAndReadsOn() {
        read("ContactId,EmailOptOut,Note\n"
                + "003000000000002AAA,TRUE,ok\n"              // 2
                + "003000000000003AAA,TRUE\n"                 // 3 wrong column count
                + ",FALSE,no id\n"                            // 4
                + "001000000000004AAA,FALSE,account id\n"     // 5
                + "003000000000005AAB,FALSE,bad checksum\n"   // 6
                + "003000000000006AAA,yes,not a boolean\n"    // 7
                + "\n"                                        // 8 blank: skipped
                + "003000000000007AAA,FALSE,\"two\nlines\"\n" // 9-10
                + "003000000000008AAA,maybe,x\n");            // 11

        assertThat(found).containsExactly(
                "2 003000000000002AAA true",
                "3 BAD has 2 column(s), the header has 3",
                "4 BAD no ContactId",
                "5 BAD ContactId: record id '001000000000004AAA' has key prefix 001, not a Contact's (003)",
                "6 BAD ContactId: record id '003000000000005AAB' fails its checksum: suffix AAB does not fit its first 15"
                        + " characters (as written, it would be AAA)",
                "7 BAD EmailOptOut is neither TRUE nor FALSE: yes",
                "9 003000000000007AAA false",
                "11 BAD EmailOptOut is neither TRUE nor FALSE: maybe");
    }

    @Test
    void anUnclosedQuoteRejectsTheFileOnceItsRecordRunsPastTheLimitNotAtTheEndOfTheFile() {
        StringBuilder csv = new StringBuilder("ContactId,EmailOptOut\n" + ID_18 + ",\"TRUE\n");
        while (csv.length() < 4 * AscendExportReader.MAX_RECORD_CHARS) {
            csv.append("003000000000002AAA,FALSE\n");
        }
        long[] taken = {0};
        Reader counting = new FilterReader(new StringReader(csv.toString())) {
            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                int read = super.read(buffer, offset, length);
                taken[0] += Math.max(read, 0);
                return read;
            }
        };

        assertThatThrownBy(() -> reader.read(counting, new AscendExportReader.Sink() {
            @Override
            public void value(long line, String contactId, boolean optedOut) {
            }

            @Override
            public void badRow(long line, String reason, String content) {
            }
        })).isInstanceOf(AscendExportRejectedException.class)
                .hasMessageContaining("cannot be read on from line 2")
                .hasMessageContaining("more than 1,048,576 characters (an unclosed quote?)");
        assertThat(taken[0]).as("characters read of %,d", csv.length())
                .isLessThan(2L * AscendExportReader.MAX_RECORD_CHARS);
    }

    @Test
    void numbersTheLastLineRightWithoutATrailingLineEnd() {
        read("ContactId,EmailOptOut\n" + ID_18 + ",TRUE\n003000000000002AAA,nope");

        assertThat(found).containsExactly("2 " + ID_18 + " true", "3 BAD EmailOptOut is neither TRUE nor FALSE: nope");
    }

    @Nested
    class RejectsTheWholeFile {

        @Test
        void whenAColumnIsMissingFromTheHeader() {
            assertThatThrownBy(() -> read("Id,EmailOptOut\n" + ID_18 + ",TRUE\n"))
                    .isInstanceOf(AscendExportRejectedException.class)
                    .hasMessageContaining("lacks the column(s) ContactId")
                    .hasMessageContaining("it has: Id, EmailOptOut");
            assertThat(found).isEmpty();
        }

        @Test
        void whenItIsEmpty() {
            assertThatThrownBy(() -> read("")).isInstanceOf(AscendExportRejectedException.class)
                    .hasMessageContaining("empty");
        }

        @Test
        void whenAQuoteIsNeverClosed() {
            assertThatThrownBy(() -> read("ContactId,EmailOptOut\n" + ID_18 + ",TRUE\n\"003000000000002AAA,TRUE\n"))
                    .isInstanceOf(AscendExportRejectedException.class)
                    .hasMessageContaining("from line 3");
        }
    }
}
