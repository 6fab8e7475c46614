package edu.cu.ecomm.optout.emulator.salesforce;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Believable contacts for tests and the demo: a university's alumni, donors and staff, with varied names,
 * email addresses on reserved example domains, and a realistic share already opted out. The same seed always
 * gives the same contacts, so a failing run can be repeated.
 */
final class SampleContacts {

    private static final List<String> FIRST_NAMES = List.of(
            "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
            "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
            "Charles", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret",
            "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Paul", "Donna", "Joshua", "Michelle",
            "Kenneth", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George", "Deborah", "Timothy", "Stephanie",
            "Ronald", "Rebecca", "Jason", "Sharon", "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy",
            "Jacob", "Amy", "Gary", "Kathleen", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Emma",
            "Stephen", "Brenda", "Larry", "Pamela", "Justin", "Nicole", "Scott", "Anna", "Brandon", "Samantha",
            "Benjamin", "Katherine", "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick",
            "Carolyn", "Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather", "Jerry", "Helen",
            "Tyler", "Catherine", "Aaron", "Diane", "Jose", "Julie", "Adam", "Victoria", "Nathan", "Joyce",
            "Henry", "Lauren", "Zachary", "Kelly", "Douglas", "Christina", "Peter", "Ruth", "Kyle", "Joan",
            "Noah", "Virginia", "Ethan", "Judith", "Jeremy", "Evelyn", "Christian", "Hannah", "Walter", "Andrea",
            "Keith", "Megan", "Austin", "Cheryl", "Roger", "Jacqueline", "Terry", "Madison", "Sean", "Teresa",
            "Gerald", "Abigail", "Carl", "Sophia", "Dylan", "Martha", "Harold", "Sara", "Jordan", "Gloria",
            "Alejandro", "Guadalupe", "Carlos", "Lucía", "Miguel", "Sofía", "Luis", "Valentina", "Diego", "Camila",
            "Jorge", "Ximena", "Mateo", "Isabella", "Santiago", "Mariana", "Wei", "Mei", "Hiroshi", "Yuki",
            "Min-jun", "Seo-yeon", "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Deepa", "Tariq", "Aisha",
            "Omar", "Fatima", "Kwame", "Amara", "Chinedu", "Ngozi", "Dmitri", "Anastasia", "Lars", "Ingrid",
            "Sven", "Astrid", "Pierre", "Amélie", "Giovanni", "Chiara", "Siobhan", "Declan", "Nguyen", "Linh",
            "Kai", "Leilani", "Tenzin", "Dawa", "Mateus", "Beatriz", "Yusuf", "Zeynep", "Ayla", "Bodhi");

    private static final List<String> LAST_NAMES = List.of(
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
            "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
            "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
            "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
            "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
            "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
            "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
            "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
            "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
            "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
            "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
            "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton",
            "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera",
            "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall",
            "Owens", "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas",
            "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford", "Olson", "Simpson",
            "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Muñoz",
            "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone",
            "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson",
            "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley",
            "Tanaka", "Watanabe", "Yamamoto", "Wang", "Li", "Zhang", "Liu", "Park", "Choi", "Singh",
            "Kumar", "Shah", "Okafor", "Mensah", "Haddad", "Nasser", "Ivanov", "Petrov", "Johansson", "Larsen",
            "O'Brien", "O'Connor", "Dubois", "Rossi", "Esposito", "Kowalski", "Nowak", "Novak", "Yazzie", "Begay",
            "Running Bear", "Two Feathers", "Van der Berg", "De la Cruz", "St. John", "Smith-Jones", "Al-Sayed");

    private static final List<String> SALUTATIONS = List.of("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx.");
    private static final List<String> DOMAINS = List.of("example.com", "example.net", "example.org",
            "alumni.example.edu", "mail.example.com");
    private static final List<String> TITLES = List.of("Software Engineer", "Teacher", "Attorney", "Nurse",
            "Account Manager", "Professor", "Physician", "Architect", "Research Scientist", "Retired", "Student",
            "Director of Development", "Financial Analyst", "Geologist", "Civil Engineer", "Consultant");
    private static final List<String> DEPARTMENTS = List.of("Engineering", "Education", "Legal", "Health",
            "Sales", "Research", "Finance", "Operations", "Advancement", "Arts and Sciences");

    private SampleContacts() {
    }

    /** {@code n} contacts' field values by canonical name, ready for {@link FieldValues#forWrite}. */
    static List<Map<String, Object>> generate(int n, long seed) {
        Random random = new Random(seed);
        int ascendBase = 10_000_000 + random.nextInt(40_000_000);
        List<Map<String, Object>> contacts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String first = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
            String last = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
            // About one in fourteen alumni has already opted out; opting out clears the category preferences.
            boolean optedOut = random.nextInt(14) == 0;
            Map<String, Object> contact = new LinkedHashMap<>();
            if (random.nextInt(5) < 2) {
                contact.put("Salutation", SALUTATIONS.get(random.nextInt(SALUTATIONS.size())));
            }
            contact.put("FirstName", first);
            contact.put("LastName", last);
            contact.put("Email", email(first, last, random));
            contact.put("Phone", String.format("(303) 555-%04d", random.nextInt(10_000)));
            if (random.nextBoolean()) {
                contact.put("MobilePhone", String.format("(720) 555-%04d", random.nextInt(10_000)));
            }
            contact.put("Title", TITLES.get(random.nextInt(TITLES.size())));
            contact.put("Department", DEPARTMENTS.get(random.nextInt(DEPARTMENTS.size())));
            contact.put("HasOptedOutOfEmail", optedOut);
            contact.put("DoNotCall", random.nextInt(30) == 0);
            // Ascend ids are unique: a seeded base plus a stride, so two contacts never share one.
            contact.put("Ascend_Id__c", "A" + (ascendBase + i * 7));
            contact.put("Pref_Alumni_News__c", !optedOut && random.nextInt(10) < 8);
            contact.put("Pref_Events__c", !optedOut && random.nextInt(10) < 6);
            contact.put("Pref_Giving__c", !optedOut && random.nextInt(10) < 4);
            contacts.add(contact);
        }
        return contacts;
    }

    private static String email(String first, String last, Random random) {
        String f = localPart(first);
        String l = localPart(last);
        String domain = DOMAINS.get(random.nextInt(DOMAINS.size()));
        return switch (random.nextInt(4)) {
            case 0 -> f + "." + l + "@" + domain;
            case 1 -> f.charAt(0) + l + (random.nextInt(90) + 10) + "@" + domain;
            case 2 -> f + "_" + l + "@" + domain;
            default -> l + "." + f + (1960 + random.nextInt(45)) + "@" + domain;
        };
    }

    /** Lower-case ASCII letters only: accents folded, spaces, apostrophes and hyphens dropped. */
    private static String localPart(String name) {
        String folded = Normalizer.normalize(name, Normalizer.Form.NFD)
                .replaceAll("\\p{M}", "");
        return folded.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }
}
