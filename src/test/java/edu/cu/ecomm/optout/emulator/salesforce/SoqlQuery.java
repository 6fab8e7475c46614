package edu.cu.ecomm.optout.emulator.salesforce;

import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Field;
import edu.cu.ecomm.optout.emulator.salesforce.ContactFields.Type;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SOQL the service sends, on Contact: {@code SELECT fields FROM Contact [WHERE …] [ORDER BY …] [LIMIT n]}
 * with comparison, {@code IN}, {@code NOT IN} and {@code LIKE} conditions joined by {@code AND}/{@code OR},
 * {@code NOT} and parentheses. Like Salesforce it compares text case-insensitively, refuses to mix AND and OR
 * without parentheses, type-checks literals against fields, and reports errors with the row and column of the
 * offending token.
 */
final class SoqlQuery {

    private final List<Field> fields;
    private final Predicate<Map<String, Object>> where;
    private final Comparator<Map<String, Object>> order;
    private final int limit;

    private SoqlQuery(List<Field> fields, Predicate<Map<String, Object>> where,
                      Comparator<Map<String, Object>> order, int limit) {
        this.fields = fields;
        this.where = where;
        this.order = order;
        this.limit = limit;
    }

    /** @throws SalesforceApiException MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE or INVALID_QUERY_FILTER_OPERATOR */
    static SoqlQuery parse(String soql) {
        return new Parser(soql).query();
    }

    /** The selected fields, canonical spelling, in select order. */
    List<Field> fields() {
        return fields;
    }

    /** The matching rows of {@code rows} (given in id order), ordered and limited. */
    List<Map<String, Object>> select(List<Map<String, Object>> rows) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            if (where.test(row)) {
                result.add(row);
            }
        }
        if (order != null) {
            result.sort(order);
        }
        return result.size() > limit ? new ArrayList<>(result.subList(0, limit)) : result;
    }

    /** SOQL compares text case-insensitively; other values by their natural order (false before true). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return String.CASE_INSENSITIVE_ORDER.compare(x, y);
        }
        return ((Comparable) a).compareTo(b);
    }

    private static boolean same(Object value, Object literal) {
        return value == null || literal == null ? Objects.equals(value, literal) : compare(value, literal) == 0;
    }

    private enum Kind { IDENT, STRING, NUMBER, DATETIME, SYMBOL, EOF }

    private record Token(Kind kind, String text, Object value, int offset) {
        boolean is(String keywordOrSymbol) {
            return (kind == Kind.IDENT || kind == Kind.SYMBOL) && text.equalsIgnoreCase(keywordOrSymbol);
        }
    }

    private static final class Parser {
        private static final Pattern DATETIME = Pattern.compile(
                "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?(Z|[+-]\\d{2}:\\d{2})");
        private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
        private static final List<String> SYMBOLS = List.of("!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ",");

        private final String soql;
        private final List<Token> tokens = new ArrayList<>();
        private int next;

        Parser(String soql) {
            this.soql = soql;
            tokenize();
        }

        SoqlQuery query() {
            expect("SELECT");
            List<Token> fieldTokens = new ArrayList<>();
            do {
                fieldTokens.add(identifier());
            } while (accept(","));
            expect("FROM");
            Token object = identifier();
            if (!object.text().equalsIgnoreCase("Contact")) {
                throw error("INVALID_TYPE", object, "sObject type '" + object.text() + "' is not supported. If you"
                        + " are attempting to use a custom object, be sure to append the '__c' after the entity"
                        + " name. Please reference your WSDL or the describe call for the appropriate names.");
            }
            List<Field> fields = new ArrayList<>();
            for (Token token : fieldTokens) {
                Field field = field(token);
                if (fields.contains(field)) {
                    throw error("MALFORMED_QUERY", token, "duplicate field selected: " + field.name());
                }
                fields.add(field);
            }
            Predicate<Map<String, Object>> where = row -> true;
            if (accept("WHERE")) {
                where = condition();
            }
            Comparator<Map<String, Object>> order = null;
            if (accept("ORDER")) {
                expect("BY");
                do {
                    order = order == null ? orderItem() : order.thenComparing(orderItem());
                } while (accept(","));
            }
            int limit = Integer.MAX_VALUE;
            if (accept("LIMIT")) {
                Token n = advance();
                if (n.kind() != Kind.NUMBER || !n.text().matches("\\d+")) {
                    throw unexpected(n);
                }
                limit = Integer.parseInt(n.text());
            }
            if (peek().kind() != Kind.EOF) {
                throw unexpected(peek());
            }
            return new SoqlQuery(List.copyOf(fields), where, order, limit);
        }

        /** SOQL needs parentheses to mix AND and OR: {@code a AND b OR c} is refused at the OR. */
        private Predicate<Map<String, Object>> condition() {
            Predicate<Map<String, Object>> condition = simpleCondition();
            if (peek().is("AND")) {
                while (accept("AND")) {
                    condition = condition.and(simpleCondition());
                }
                if (peek().is("OR")) {
                    throw unexpected(peek());
                }
            } else if (peek().is("OR")) {
                while (accept("OR")) {
                    condition = condition.or(simpleCondition());
                }
                if (peek().is("AND")) {
                    throw unexpected(peek());
                }
            }
            return condition;
        }

        private Predicate<Map<String, Object>> simpleCondition() {
            if (accept("NOT")) {
                return simpleCondition().negate();
            }
            if (accept("(")) {
                Predicate<Map<String, Object>> inner = condition();
                expect(")");
                return inner;
            }
            return comparison();
        }

        private Predicate<Map<String, Object>> comparison() {
            Field field = field(identifier());
            String name = field.name();
            boolean negated = accept("NOT");
            if (negated || peek().is("IN")) {
                expect("IN");
                expect("(");
                List<Object> literals = new ArrayList<>();
                do {
                    literals.add(literal(field));
                } while (accept(","));
                expect(")");
                Predicate<Map<String, Object>> in = row -> literals.stream().anyMatch(l -> same(row.get(name), l));
                return negated ? in.negate() : in;
            }
            if (accept("LIKE")) {
                Token pattern = advance();
                if (pattern.kind() != Kind.STRING) {
                    throw unexpected(pattern);
                }
                Pattern regex = likePattern((String) pattern.value());
                return row -> row.get(name) instanceof String s && regex.matcher(s).matches();
            }
            Token op = advance();
            Object literal = literal(field);
            return switch (op.kind() == Kind.SYMBOL ? op.text() : "") {
                case "=" -> row -> same(row.get(name), literal);
                case "!=", "<>" -> row -> !same(row.get(name), literal);
                case "<" -> ordered(name, literal, c -> c < 0);
                case ">" -> ordered(name, literal, c -> c > 0);
                case "<=" -> ordered(name, literal, c -> c <= 0);
                case ">=" -> ordered(name, literal, c -> c >= 0);
                default -> throw unexpected(op);
            };
        }

        /** An ordering comparison is false when either side is null, as in SOQL. */
        private static Predicate<Map<String, Object>> ordered(String name, Object literal,
                                                              IntPredicate test) {
            return row -> row.get(name) != null && literal != null && test.test(compare(row.get(name), literal));
        }

        private static Pattern likePattern(String like) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < like.length(); i++) {
                char c = like.charAt(i);
                if (c == '\\' && i + 1 < like.length()) {
                    regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
                } else {
                    regex.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
        }

        /** ASC sorts nulls first and DESC nulls last unless NULLS FIRST/LAST says otherwise. */
        private Comparator<Map<String, Object>> orderItem() {
            String name = field(identifier()).name();
            boolean descending = accept("DESC");
            if (!descending) {
                accept("ASC");
            }
            boolean nullsFirst = !descending;
            if (accept("NULLS")) {
                if (accept("FIRST")) {
                    nullsFirst = true;
                } else {
                    expect("LAST");
                    nullsFirst = false;
                }
            }
            Comparator<Object> values = SoqlQuery::compare;
            Comparator<Object> directed = descending ? values.reversed() : values;
            Comparator<Object> withNulls = nullsFirst ? Comparator.nullsFirst(directed) : Comparator.nullsLast(directed);
            return Comparator.comparing(row -> row.get(name), withNulls);
        }

        private Object literal(Field field) {
            Token token = advance();
            if (token.is("NULL")) {
                return null;
            }
            Type type = field.type();
            boolean matches = switch (token.kind()) {
                case STRING -> type != Type.BOOLEAN && type != Type.DATETIME;
                case DATETIME -> type == Type.DATETIME;
                case IDENT -> (token.is("TRUE") || token.is("FALSE")) && type == Type.BOOLEAN;
                case NUMBER -> false;
                default -> throw unexpected(token);
            };
            if (token.kind() == Kind.IDENT && !token.is("TRUE") && !token.is("FALSE")) {
                throw unexpected(token);
            }
            if (!matches) {
                throw error("MALFORMED_QUERY", token, "value of filter criterion for field '" + field.name()
                        + "' must be of type " + typeName(type) + " and should "
                        + (isText(type) ? "" : "not ") + "be enclosed in quotes");
            }
            if (token.kind() == Kind.IDENT) {
                return Boolean.valueOf(token.text().toLowerCase(Locale.ROOT));
            }
            if (type == Type.ID || type == Type.REFERENCE) {
                String id = (String) token.value();
                return SalesforceIds.normalize(id).orElseThrow(
                        () -> new SalesforceApiException(400, "INVALID_QUERY_FILTER_OPERATOR",
                                "invalid ID field: " + id));
            }
            return token.value();
        }

        private static boolean isText(Type type) {
            return type != Type.BOOLEAN && type != Type.DATETIME;
        }

        private static String typeName(Type type) {
            return switch (type) {
                case BOOLEAN -> "boolean";
                case DATETIME -> "dateTime";
                case ID -> "id";
                case REFERENCE -> "reference";
                default -> "string";
            };
        }

        private Field field(Token token) {
            return ContactFields.find(token.text()).orElseThrow(() -> error("INVALID_FIELD", token,
                    "No such column '" + token.text() + "' on entity 'Contact'. If you are attempting to use a"
                            + " custom field, be sure to append the '__c' after the custom field name. Please"
                            + " reference your WSDL or the describe call for the appropriate names."));
        }

        private Token identifier() {
            Token token = advance();
            if (token.kind() != Kind.IDENT) {
                throw unexpected(token);
            }
            return token;
        }

        private Token peek() {
            return tokens.get(next);
        }

        private Token advance() {
            Token token = tokens.get(next);
            if (token.kind() != Kind.EOF) {
                next++;
            }
            return token;
        }

        private boolean accept(String keywordOrSymbol) {
            if (peek().is(keywordOrSymbol)) {
                next++;
                return true;
            }
            return false;
        }

        private void expect(String keywordOrSymbol) {
            if (!accept(keywordOrSymbol)) {
                throw unexpected(peek());
            }
        }

        private SalesforceApiException unexpected(Token token) {
            return error("MALFORMED_QUERY", token, "unexpected token: " + (token.kind() == Kind.EOF
                    ? "<EOF>" : token.kind() == Kind.STRING ? "'" + token.value() + "'" : token.text()));
        }

        /** Salesforce's query error: the offending line, a caret under the token, its row and column, the reason. */
        private SalesforceApiException error(String errorCode, Token at, String reason) {
            int lineStart = soql.lastIndexOf('\n', at.offset() - 1) + 1;
            int lineEnd = soql.indexOf('\n', at.offset());
            String line = soql.substring(lineStart, lineEnd < 0 ? soql.length() : lineEnd);
            int row = (int) soql.substring(0, lineStart).chars().filter(c -> c == '\n').count() + 1;
            int column = at.offset() - lineStart + 1;
            return new SalesforceApiException(400, errorCode, "\n" + line + "\n" + " ".repeat(column - 1)
                    + "^\nERROR at Row:" + row + ":Column:" + column + "\n" + reason);
        }

        private void tokenize() {
            int i = 0;
            while (i < soql.length()) {
                char c = soql.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '\'') {
                    i = stringLiteral(i);
                } else if (Character.isDigit(c) || c == '-') {
                    Matcher dateTime = DATETIME.matcher(soql).region(i, soql.length());
                    Matcher number = NUMBER.matcher(soql).region(i, soql.length());
                    if (dateTime.lookingAt()) {
                        tokens.add(new Token(Kind.DATETIME, dateTime.group(), dateTime(dateTime.group(), i), i));
                        i = dateTime.end();
                    } else if (number.lookingAt()) {
                        tokens.add(new Token(Kind.NUMBER, number.group(), number.group(), i));
                        i = number.end();
                    } else {
                        throw unexpected(new Token(Kind.SYMBOL, String.valueOf(c), null, i));
                    }
                } else if (Character.isLetter(c) || c == '_') {
                    int start = i;
                    while (i < soql.length() && (Character.isLetterOrDigit(soql.charAt(i))
                            || soql.charAt(i) == '_' || soql.charAt(i) == '.')) {
                        i++;
                    }
                    tokens.add(new Token(Kind.IDENT, soql.substring(start, i), null, start));
                } else {
                    int at = i;
                    String symbol = SYMBOLS.stream().filter(s -> soql.startsWith(s, at)).findFirst()
                            .orElseThrow(() -> unexpected(new Token(Kind.SYMBOL, String.valueOf(c), null, at)));
                    tokens.add(new Token(Kind.SYMBOL, symbol, null, i));
                    i += symbol.length();
                }
            }
            tokens.add(new Token(Kind.EOF, "", null, soql.length()));
        }

        private Instant dateTime(String text, int offset) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw error("MALFORMED_QUERY", new Token(Kind.DATETIME, text, null, offset),
                        "line 1:" + offset + " no viable alternative at character '" + text + "'");
            }
        }

        /** A quoted literal with SOQL's backslash escapes; returns the index after the closing quote. */
        private int stringLiteral(int start) {
            StringBuilder value = new StringBuilder();
            int i = start + 1;
            while (i < soql.length()) {
                char c = soql.charAt(i);
                if (c == '\'') {
                    tokens.add(new Token(Kind.STRING, soql.substring(start, i + 1), value.toString(), start));
                    return i + 1;
                }
                if (c == '\\' && i + 1 < soql.length()) {
                    char escaped = soql.charAt(++i);
                    value.append(switch (escaped) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        default -> escaped;
                    });
                    if (escaped == '%' || escaped == '_') {
                        // Only LIKE gives these escapes meaning; keep the backslash so its pattern sees a literal.
                        value.insert(value.length() - 1, '\\');
                    }
                } else {
                    value.append(c);
                }
                i++;
            }
            throw error("MALFORMED_QUERY", new Token(Kind.STRING, "'", null, start), "unterminated string literal");
        }
    }
}
