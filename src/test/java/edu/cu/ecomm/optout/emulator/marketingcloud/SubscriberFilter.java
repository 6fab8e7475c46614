package edu.cu.ecomm.optout.emulator.marketingcloud;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import org.w3c.dom.Element;

/**
 * A Retrieve {@code Filter} on Subscriber as a predicate: {@code SimpleFilterPart} (equals, notEquals, IN with
 * several {@code Value}s, isNull, isNotNull, beginsWith, like) on SubscriberKey, EmailAddress, Status, ID or
 * Client.ID, and {@code ComplexFilterPart} (LeftOperand, AND/OR, RightOperand, AdditionalOperands). Text compares
 * case-insensitively, as Marketing Cloud's database does.
 */
final class SubscriberFilter {

    /** The filter cannot be applied; Marketing Cloud answers it with an OverallStatus of "Error: …". */
    static final class InvalidFilter extends Exception {
        InvalidFilter(String message) {
            super(message);
        }
    }

    private SubscriberFilter() {
    }

    static Predicate<EmulatedSubscriber> of(Element filter) throws InvalidFilter {
        String type = Dom.xsiType(filter);
        return switch (type) {
            case "SimpleFilterPart" -> simple(filter);
            case "ComplexFilterPart" -> complex(filter);
            default -> throw new InvalidFilter("Unsupported filter type '" + type + "'");
        };
    }

    private static Predicate<EmulatedSubscriber> complex(Element filter) throws InvalidFilter {
        Element left = Dom.child(filter, "LeftOperand");
        String operator = Dom.text(filter, "LogicalOperator");
        if (left == null || operator == null) {
            throw new InvalidFilter("ComplexFilterPart needs LeftOperand and LogicalOperator");
        }
        List<Predicate<EmulatedSubscriber>> operands = new ArrayList<>();
        operands.add(of(left));
        Element right = Dom.child(filter, "RightOperand");
        if (right != null) {
            operands.add(of(right));
        }
        Element additional = Dom.child(filter, "AdditionalOperands");
        if (additional != null) {
            for (Element operand : Dom.children(additional, "Operand")) {
                operands.add(of(operand));
            }
        }
        return switch (operator) {
            case "AND" -> s -> operands.stream().allMatch(p -> p.test(s));
            case "OR" -> s -> operands.stream().anyMatch(p -> p.test(s));
            default -> throw new InvalidFilter("Unsupported LogicalOperator '" + operator + "'");
        };
    }

    private static Predicate<EmulatedSubscriber> simple(Element filter) throws InvalidFilter {
        String property = Dom.text(filter, "Property");
        String operator = Dom.text(filter, "SimpleOperator");
        List<String> values = Dom.children(filter, "Value").stream().map(e -> e.getTextContent().trim()).toList();
        if (property == null || operator == null) {
            throw new InvalidFilter("SimpleFilterPart needs Property and SimpleOperator");
        }
        java.util.function.Function<EmulatedSubscriber, String> field = switch (property) {
            case "SubscriberKey" -> EmulatedSubscriber::subscriberKey;
            case "EmailAddress" -> EmulatedSubscriber::emailAddress;
            case "Status" -> EmulatedSubscriber::status;
            case "ID" -> s -> Long.toString(s.id());
            case "Client.ID" -> s -> Long.toString(s.mid());
            default -> throw new InvalidFilter("Unsupported filter property '" + property + "' on Subscriber");
        };
        return switch (operator) {
            case "equals" -> {
                String value = single(values, operator);
                yield s -> equalsIgnoreCase(field.apply(s), value);
            }
            case "notEquals" -> {
                String value = single(values, operator);
                yield s -> !equalsIgnoreCase(field.apply(s), value);
            }
            case "IN" -> {
                if (values.isEmpty()) {
                    throw new InvalidFilter("IN needs at least one Value");
                }
                // A set, not a scan of the values: the client sends hundreds of keys per Retrieve.
                java.util.Set<String> wanted = new java.util.HashSet<>();
                values.forEach(v -> wanted.add(lower(v)));
                yield s -> field.apply(s) != null && wanted.contains(lower(field.apply(s)));
            }
            case "isNull" -> s -> field.apply(s) == null || field.apply(s).isEmpty();
            case "isNotNull" -> s -> field.apply(s) != null && !field.apply(s).isEmpty();
            case "beginsWith" -> {
                String prefix = lower(single(values, operator));
                yield s -> field.apply(s) != null && lower(field.apply(s)).startsWith(prefix);
            }
            case "like" -> {
                String regex = likeRegex(single(values, operator));
                yield s -> field.apply(s) != null && lower(field.apply(s)).matches(regex);
            }
            default -> throw new InvalidFilter("Unsupported SimpleOperator '" + operator + "'");
        };
    }

    private static String single(List<String> values, String operator) throws InvalidFilter {
        if (values.size() != 1) {
            throw new InvalidFilter(operator + " needs exactly one Value, got " + values.size());
        }
        return values.get(0);
    }

    private static boolean equalsIgnoreCase(String a, String b) {
        return a != null && a.equalsIgnoreCase(b);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String likeRegex(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : lower(pattern).split("%", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(java.util.regex.Pattern.quote(part));
        }
        return regex.toString();
    }
}
