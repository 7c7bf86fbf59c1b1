#include "gen/names.h"

namespace idg::detail {
namespace {

// Word lists, packed by hand.
// clang-format off
constexpr FirstName kFirstNames[] = {
    {"James", "Jim", "Jimmy"}, {"Robert", "Bob", "Rob"}, {"John", "Jack", "Johnny"},
    {"Michael", "Mike", "Mikey"}, {"David", "Dave", ""}, {"William", "Bill", "Will"},
    {"Richard", "Rick", "Dick"}, {"Joseph", "Joe", "Joey"}, {"Thomas", "Tom", "Tommy"},
    {"Christopher", "Chris", ""}, {"Charles", "Charlie", "Chuck"}, {"Daniel", "Dan", "Danny"},
    {"Matthew", "Matt", ""}, {"Anthony", "Tony", ""}, {"Mark", "", ""}, {"Donald", "Don", "Donnie"},
    {"Steven", "Steve", ""}, {"Paul", "", ""}, {"Andrew", "Andy", "Drew"}, {"Joshua", "Josh", ""},
    {"Kenneth", "Ken", "Kenny"}, {"Kevin", "", ""}, {"Brian", "", ""}, {"George", "", ""},
    {"Timothy", "Tim", ""}, {"Ronald", "Ron", "Ronnie"}, {"Edward", "Ed", "Ted"}, {"Jason", "", ""},
    {"Jeffrey", "Jeff", ""}, {"Ryan", "", ""}, {"Jacob", "Jake", ""}, {"Gary", "", ""},
    {"Nicholas", "Nick", ""}, {"Eric", "", ""}, {"Jonathan", "Jon", ""}, {"Stephen", "Steve", ""},
    {"Larry", "", ""}, {"Justin", "", ""}, {"Scott", "", ""}, {"Brandon", "", ""},
    {"Benjamin", "Ben", "Benny"}, {"Samuel", "Sam", "Sammy"}, {"Gregory", "Greg", ""},
    {"Alexander", "Alex", ""}, {"Frank", "", ""}, {"Patrick", "Pat", ""}, {"Raymond", "Ray", ""},
    {"Jack", "", ""}, {"Dennis", "", ""}, {"Jerry", "", ""}, {"Tyler", "", ""}, {"Aaron", "", ""},
    {"Jose", "", ""}, {"Adam", "", ""}, {"Nathan", "Nate", ""}, {"Henry", "Hank", ""},
    {"Douglas", "Doug", ""}, {"Zachary", "Zach", ""}, {"Peter", "Pete", ""}, {"Kyle", "", ""},
    {"Walter", "Walt", ""}, {"Ethan", "", ""}, {"Jeremy", "", ""}, {"Harold", "Hal", ""},
    {"Keith", "", ""}, {"Christian", "", ""}, {"Roger", "", ""}, {"Noah", "", ""},
    {"Gerald", "Jerry", ""}, {"Carl", "", ""}, {"Terry", "", ""}, {"Sean", "", ""},
    {"Austin", "", ""}, {"Arthur", "Art", ""}, {"Lawrence", "Larry", ""}, {"Jesse", "", ""},
    {"Dylan", "", ""}, {"Bryan", "", ""}, {"Joe", "", ""}, {"Jordan", "", ""}, {"Billy", "", ""},
    {"Bruce", "", ""}, {"Albert", "Al", ""}, {"Willie", "", ""}, {"Gabriel", "Gabe", ""},
    {"Logan", "", ""}, {"Alan", "", ""}, {"Juan", "", ""}, {"Wayne", "", ""}, {"Roy", "", ""},
    {"Ralph", "", ""}, {"Randy", "", ""}, {"Eugene", "Gene", ""}, {"Vincent", "Vince", ""},
    {"Russell", "Russ", ""}, {"Elijah", "Eli", ""}, {"Louis", "Lou", ""}, {"Bobby", "", ""},
    {"Philip", "Phil", ""}, {"Johnny", "", ""}, {"Mary", "", ""}, {"Patricia", "Pat", "Patty"},
    {"Jennifer", "Jen", "Jenny"}, {"Linda", "", ""}, {"Elizabeth", "Liz", "Beth"},
    {"Barbara", "Barb", ""}, {"Susan", "Sue", "Susie"}, {"Jessica", "Jess", ""}, {"Sarah", "", ""},
    {"Karen", "", ""}, {"Lisa", "", ""}, {"Nancy", "", ""}, {"Betty", "", ""},
    {"Margaret", "Maggie", "Peggy"}, {"Sandra", "Sandy", ""}, {"Ashley", "", ""},
    {"Kimberly", "Kim", ""}, {"Emily", "", ""}, {"Donna", "", ""}, {"Michelle", "Shelly", ""},
    {"Carol", "", ""}, {"Amanda", "Mandy", ""}, {"Dorothy", "Dot", "Dottie"},
    {"Melissa", "Missy", ""}, {"Deborah", "Deb", "Debbie"}, {"Stephanie", "Steph", ""},
    {"Rebecca", "Becky", ""}, {"Sharon", "", ""}, {"Laura", "", ""}, {"Cynthia", "Cindy", ""},
    {"Kathleen", "Kathy", ""}, {"Amy", "", ""}, {"Angela", "Angie", ""}, {"Shirley", "", ""},
    {"Anna", "", ""}, {"Brenda", "", ""}, {"Pamela", "Pam", ""}, {"Emma", "", ""},
    {"Nicole", "Nikki", ""}, {"Helen", "", ""}, {"Samantha", "Sam", ""},
    {"Katherine", "Kate", "Katie"}, {"Christine", "Chris", ""}, {"Debra", "Deb", ""},
    {"Rachel", "", ""}, {"Carolyn", "", ""}, {"Janet", "", ""}, {"Catherine", "Cathy", ""},
    {"Maria", "", ""}, {"Heather", "", ""}, {"Diane", "", ""}, {"Ruth", "", ""}, {"Julie", "", ""},
    {"Olivia", "Liv", ""}, {"Joyce", "", ""}, {"Virginia", "Ginny", ""},
    {"Victoria", "Vicky", "Tori"}, {"Kelly", "", ""}, {"Lauren", "", ""}, {"Christina", "Tina", ""},
    {"Joan", "", ""}, {"Evelyn", "Evie", ""}, {"Judith", "Judy", ""}, {"Megan", "Meg", ""},
    {"Andrea", "", ""}, {"Cheryl", "", ""}, {"Hannah", "", ""}, {"Jacqueline", "Jackie", ""},
    {"Martha", "Marty", ""}, {"Gloria", "", ""}, {"Teresa", "Terri", ""}, {"Ann", "", ""},
    {"Sara", "", ""}, {"Madison", "Maddie", ""}, {"Frances", "Fran", ""}, {"Kathryn", "Kathy", ""},
    {"Janice", "", ""}, {"Jean", "", ""}, {"Abigail", "Abby", ""}, {"Alice", "", ""},
    {"Judy", "", ""}, {"Sophia", "Sophie", ""}, {"Grace", "", ""}, {"Denise", "", ""},
    {"Amber", "", ""}, {"Doris", "", ""}, {"Marilyn", "", ""}, {"Danielle", "Dani", ""},
    {"Beverly", "Bev", ""}, {"Isabella", "Bella", "Izzy"}, {"Theresa", "Tess", ""},
    {"Diana", "Di", ""}, {"Natalie", "Nat", ""}, {"Brittany", "", ""}, {"Charlotte", "Charlie", ""},
    {"Marie", "", ""}, {"Kayla", "", ""}, {"Alexis", "Lexi", ""}, {"Lori", "", ""},
    {"José", "", ""}, {"Zoë", "", ""}, {"Renée", "", ""}, {"Chloé", "", ""}, {"Anne Marie", "", ""},
    {"Mary-Kate", "", ""}, {"Ngoc", "", ""}, {"Wei", "", ""}, {"Priya", "", ""},
    {"Mohammed", "Mo", ""}, {"Aisha", "", ""}, {"Hiroshi", "", ""},
};

constexpr std::string_view kLastNames[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
    "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook",
    "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly",
    "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez", "Wood",
    "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez", "Castillo",
    "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell", "Jenkins", "Perry",
    "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Gonzales", "Fisher",
    "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham",
    "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera",
    "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray", "Ford", "Castro",
    "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods", "Washington", "Kennedy",
    "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker", "Guzman", "Burns", "Crawford",
    "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez", "Silva", "Shaw", "Snyder", "Mason",
    "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black", "Robertson", "Boyd",
    "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt", "Garza",
    "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne",
    "Grant", "Dunn", "Kelley", "Spencer", "Hawkins", "Arnold", "Pierce", "Vazquez", "Hansen",
    "Peters", "Santos", "Hart", "Bradley", "Knight", "Elliott", "Cunningham", "Duncan", "Armstrong",
    "Hudson", "Carroll", "Lane", "Riley", "Andrews", "Alvarado", "Ray", "Delgado", "Berry",
    "Perkins", "Hoffman", "Johnston", "Matthews", "Pena", "Richards", "Contreras", "Willis",
    "Carpenter", "Lawrence", "Sandoval", "Guerrero", "George", "Chapman", "Rios", "Estrada",
    "Ortega", "Watkins", "Greene", "Nunez", "Wheeler", "Valdez", "Harper", "Burke", "Larson",
    "Santiago", "Maldonado", "Morrison", "Franklin", "Carlson", "Austin", "Dominguez", "Carr",
    "Lawson", "Jacobs", "O'Brien", "Lynch", "Singh", "Vega", "Bishop", "Montgomery", "Oliver",
    "Jensen", "Harvey", "Williamson", "Gilbert", "Dean", "Sims", "Espinoza", "Howell", "Li", "Wong",
    "Reid", "Hanson", "Le", "McCoy", "Garrett", "Burton", "Fuller", "Wang", "Weber", "Welch",
    "Rojas", "Lucas", "Marquez", "Fields", "Park", "Yang", "Little", "Banks", "Padilla", "Day",
    "Walsh", "Bowman", "Schultz", "Luna", "Fowler", "Mejia", "Davidson", "Acosta", "Brewer", "May",
    "Holland", "Juarez", "Newman", "Pearson", "Curtis", "Cortez", "Douglas", "Schneider", "Joseph",
    "Barrett", "Navarro", "Figueroa", "Keller", "Avila", "Wade", "Molina", "Stanley", "Hopkins",
    "Campos", "Barnett", "Bates", "Chambers", "Caldwell", "Beck", "Lambert", "Miranda", "Byrd",
    "Craig", "Ayala", "Lowe", "Frazier", "Powers", "Neal", "Leonard", "Gregory", "Carrillo",
    "Sutton", "Fleming", "Rhodes", "Shelton", "Schwartz", "Norris", "Jennings", "Watts", "Duran",
    "Walters", "Cohen", "McDaniel", "Moran", "Parks", "Steele", "Vaughn", "Becker", "Holt",
    "DeLeon", "Barker", "Terry", "Hale", "Leon", "Hail", "Benson", "Haynes", "Horton", "Miles",
    "Lyons", "Pham", "Graves", "Bush", "Thornton", "Wolfe", "Warner", "Cabrera", "McKinney", "Mann",
    "Zimmerman", "Dawson", "Lara", "Fletcher", "Page", "McCarthy", "Love", "Robles", "Cervantes",
    "Solis", "Erickson", "Reeves", "Chang", "Klein", "Salinas", "Fuentes", "Baldwin", "Daniel",
    "Simon", "Velasquez", "Hardy", "Higgins", "Aguirre", "Lin", "Cummings", "Chandler", "Sharp",
    "Barber", "Bowen", "Ochoa", "Dennis", "Robbins", "Liu", "Ramsey", "Francis", "Griffith", "Paul",
    "Blair", "O'Connor", "Cardenas", "Pacheco", "Cross", "Calderon", "Quinn", "Moss", "Swanson",
    "Chan", "Rivas", "Khan", "Rodgers", "Serrano", "Fitzgerald", "Rosales", "Stevenson",
    "Christensen", "Manning", "Gill", "Curry", "McLaughlin", "Harmon", "McGee", "Gross", "Doyle",
    "Garner", "Newton", "Burgess", "Reese", "Walton", "Blake", "Trujillo", "Adkins", "Brady",
    "Goodman", "Roman", "Webster", "Goodwin", "Fischer", "Huang", "Potter", "Delacruz", "Montoya",
    "Todd", "Wu", "Hines", "Mullins", "Castaneda", "Malone", "Cannon", "Tate", "Mack", "Sherman",
    "Hubbard", "Hodges", "Zhang", "Guerra", "Wolf", "Valencia", "Saunders", "Franco", "Rowe",
    "Gallagher", "Farmer", "Hammond", "Hampton", "Townsend", "Ingram", "Wise", "Gallegos", "Clarke",
    "Barton", "Schroeder", "Maxwell", "Waters", "Logan", "Camacho", "Strickland", "Norman",
    "Person", "Colon", "Parsons", "Frank", "Harrington", "Glover", "Osborne", "Buchanan", "Casey",
    "Floyd", "Patton", "Ibarra", "Ball", "Tyler", "Suarez", "Bowers", "Orozco", "Salas", "Cobb",
    "Gibbs", "Andrade", "Bauer", "Conner", "Moody", "Escobar", "McGuire", "Lloyd", "Mueller",
    "Hartman", "French", "Kramer", "McBride", "Pope", "Lindsey", "Velazquez", "Norton", "McCormick",
    "Sparks", "Flynn", "Yates", "Hogan", "Marsh", "Macias", "Villanueva", "Zamora", "Pratt",
    "Stokes", "Owen", "Ballard", "Lang", "Brock", "Villarreal", "Charles", "Drake", "Barrera",
    "Cain", "Patrick", "Piña", "Müller", "Núñez", "Smith-Jones", "Van Dyke", "De la Cruz",
    "St. John", "MacArthur", "D'Angelo", "Kowalski", "Nakamura",
};

constexpr std::string_view kStreetNames[] = {
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Walnut", "Park",
    "Spring", "North", "Ridge", "Church", "Willow", "Mill", "Sunset", "Railroad", "Jackson",
    "Cherry", "Highland", "Johnson", "Franklin", "Jefferson", "Lincoln", "Adams", "Madison",
    "Chestnut", "Center", "Forest", "Meadow", "River", "Valley", "Dogwood", "Hickory", "Birch",
    "Poplar", "Sycamore", "Magnolia", "Laurel", "Hawthorn", "Aspen", "Spruce", "Juniper", "Orchard",
    "Prospect", "Pleasant", "Green", "Broad", "Market", "Water", "School", "College", "University",
    "Academy", "Bridge", "Front", "High", "King", "Queen", "Prince", "Union", "Liberty",
    "Independence", "Franklin Delano", "Martin Luther King Jr", "Cesar Chavez", "El Camino Real",
    "Mission", "Valencia", "Sacramento", "Clay", "Harrison", "Bryant", "Folsom", "Howard", "Grand",
    "Summit", "Fairview", "Woodland", "Lakeview", "Riverside", "Bayview", "Ocean", "Beach",
    "Harbor", "Canyon", "Mesa", "Desert Rose", "Cactus", "Sage", "Palm", "Orange", "Lemon", "Peach",
    "Vine", "Rosewood", "Ivy", "Heather", "Primrose", "Bluebonnet", "Cypress", "Redwood", "Sequoia",
    "Evergreen", "Old Mill", "Country Club", "Fox Run", "Deer Path", "Quail Hollow", "1st", "2nd",
    "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th",
};

constexpr StreetSuffix kStreetSuffixes[] = {
    {"St", "Street"}, {"Ave", "Avenue"}, {"Rd", "Road"}, {"Blvd", "Boulevard"}, {"Ln", "Lane"},
    {"Dr", "Drive"}, {"Ct", "Court"}, {"Way", "Way"}, {"Pl", "Place"}, {"Ter", "Terrace"},
    {"Cir", "Circle"}, {"Pkwy", "Parkway"},
};

constexpr City kCities[] = {
    {"New York", 100}, {"Brooklyn", 112}, {"Bronx", 104}, {"Buffalo", 142}, {"Rochester", 146},
    {"Albany", 122}, {"Newark", 71}, {"Jersey City", 73}, {"Philadelphia", 191},
    {"Pittsburgh", 152}, {"Boston", 21}, {"Cambridge", 21}, {"Worcester", 16}, {"Providence", 29},
    {"Hartford", 61}, {"New Haven", 65}, {"Baltimore", 212}, {"Washington", 200}, {"Richmond", 232},
    {"Virginia Beach", 234}, {"Charlotte", 282}, {"Raleigh", 276}, {"Atlanta", 303},
    {"Savannah", 314}, {"Miami", 331}, {"Orlando", 328}, {"Tampa", 336}, {"Jacksonville", 322},
    {"Nashville", 372}, {"Memphis", 381}, {"Louisville", 402}, {"Columbus", 432},
    {"Cleveland", 441}, {"Cincinnati", 452}, {"Detroit", 482}, {"Grand Rapids", 495},
    {"Indianapolis", 462}, {"Chicago", 606}, {"Milwaukee", 532}, {"Madison", 537},
    {"Minneapolis", 554}, {"St. Paul", 551}, {"Des Moines", 503}, {"Omaha", 681},
    {"Kansas City", 641}, {"St. Louis", 631}, {"Oklahoma City", 731}, {"Tulsa", 741},
    {"Dallas", 752}, {"Fort Worth", 761}, {"Houston", 770}, {"Austin", 787}, {"San Antonio", 782},
    {"El Paso", 799}, {"New Orleans", 701}, {"Little Rock", 722}, {"Birmingham", 352},
    {"Denver", 802}, {"Colorado Springs", 809}, {"Salt Lake City", 841}, {"Albuquerque", 871},
    {"Phoenix", 850}, {"Tucson", 857}, {"Las Vegas", 891}, {"Reno", 895}, {"Boise", 837},
    {"Los Angeles", 900}, {"San Diego", 921}, {"San Jose", 951}, {"San Francisco", 941},
    {"Oakland", 946}, {"Sacramento", 958}, {"Fresno", 937}, {"Long Beach", 908}, {"Santa Ana", 927},
    {"Portland", 972}, {"Eugene", 974}, {"Seattle", 981}, {"Tacoma", 984}, {"Spokane", 992},
    {"Anchorage", 995}, {"Honolulu", 968}, {"Coeur d'Alene", 838}, {"Winston-Salem", 271},
};

constexpr uint16_t kAreaCodes[] = {
    201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225,
    228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269, 270, 276, 281,
    301, 302, 303, 304, 305, 307, 308, 309, 310, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321,
    323, 330, 334, 336, 337, 339, 347, 351, 352, 360, 361, 385, 386, 401, 402, 404, 405, 406, 407,
    408, 409, 410, 412, 413, 414, 415, 417, 419, 423, 424, 425, 430, 432, 434, 435, 440, 443, 469,
    470, 478, 479, 480, 484, 501, 502, 503, 504, 505, 507, 508, 509, 510, 512, 513, 515, 516, 517,
    518, 520, 530, 540, 541, 551, 559, 561, 562, 563, 567, 570, 571, 573, 574, 575, 580, 585, 586,
    601, 602, 603, 605, 606, 607, 608, 609, 610, 612, 614, 615, 616, 617, 618, 619, 620, 623, 626,
    630, 631, 636, 641, 646, 650, 651, 657, 660, 661, 662, 678, 701, 702, 703, 704, 706, 707, 708,
    712, 713, 714, 715, 716, 717, 718, 719, 720, 724, 727, 731, 732, 734, 740, 754, 757, 760, 763,
    765, 770, 772, 773, 774, 775, 781, 785, 786, 801, 802, 803, 804, 805, 806, 808, 810, 812, 813,
    814, 815, 816, 817, 818, 828, 830, 831, 832, 843, 845, 847, 848, 850, 856, 857, 858, 859, 860,
    862, 863, 864, 865, 870, 901, 903, 904, 906, 907, 908, 909, 910, 912, 913, 914, 915, 916, 917,
    918, 919, 920, 925, 928, 931, 936, 937, 940, 941, 949, 951, 952, 954, 956, 970, 971, 972, 973,
    978, 979, 980, 985, 989,
};

constexpr std::string_view kEmailDomains[] = {
    "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com", "gmail.com",
    "yahoo.com", "yahoo.com", "yahoo.com", "hotmail.com", "hotmail.com", "outlook.com",
    "outlook.com", "icloud.com", "icloud.com", "aol.com", "comcast.net", "proton.me", "att.net",
    "verizon.net", "me.com", "msn.com", "live.com",
};

constexpr std::string_view kCompanyDomains[] = {
    "acme-corp.com", "globex.com", "initech.com", "umbrella-inc.com", "hooli.com", "vandelay.com",
    "wayne-enterprises.com", "stark-industries.com", "cyberdyne.com", "soylent.com",
    "tyrell-corp.com", "wonka-industries.com", "dunder-mifflin.com", "oceanic-air.com",
    "massive-dynamic.com", "piedpiper.com",
};

// clang-format on

}  // namespace

std::span<const FirstName> FirstNames() { return kFirstNames; }
std::span<const std::string_view> LastNames() { return kLastNames; }
std::span<const std::string_view> StreetNames() { return kStreetNames; }
std::span<const StreetSuffix> StreetSuffixes() { return kStreetSuffixes; }
std::span<const City> Cities() { return kCities; }
std::span<const uint16_t> AreaCodes() { return kAreaCodes; }
std::span<const std::string_view> EmailDomains() { return kEmailDomains; }
std::span<const std::string_view> CompanyDomains() { return kCompanyDomains; }

}  // namespace idg::detail
