// Names and places. Shares are approximate for an English-language DTC store; tax rates are
// the simulated shop's charge on merchandise (a simplification of real tax rules).

export const FIRST_NAMES = {
  female: [
    "Olivia",
    "Emma",
    "Ava",
    "Sophia",
    "Mia",
    "Amelia",
    "Harper",
    "Chloé",
    "Ana",
    "Priya",
    "Yuki",
    "Fatima",
    "Zoe",
    "Grace",
    "Lena",
    "Sofia",
    "Aisha",
    "Maya",
    "Hannah",
    "Leah",
  ],
  male: [
    "Liam",
    "Noah",
    "Oliver",
    "James",
    "Lucas",
    "Mateo",
    "Ethan",
    "Arjun",
    "Kenji",
    "Omar",
    "Felix",
    "Leo",
    "Daniel",
    "Samuel",
    "Jonas",
    "Mohammed",
    "Theo",
    "Isaac",
    "Hugo",
    "Marcus",
  ],
  neutral: ["Alex", "Jordan", "Taylor", "Riley", "Sam", "Casey", "Robin", "Quinn", "Avery", "Jamie"],
};

export const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Martinez",
  "Lopez",
  "Wilson",
  "Anderson",
  "Thomas",
  "Moore",
  "Lee",
  "Nguyen",
  "Patel",
  "Kim",
  "Chen",
  "Müller",
  "Schmidt",
  "Dubois",
  "Rossi",
  "Silva",
  "Tanaka",
  "O'Brien",
  "Murphy",
  "Walker",
  "Young",
  "King",
  "Wright",
  "Scott",
  "Green",
  "Baker",
  "Adams",
  "Nelson",
  "Hill",
  "Campbell",
  "Mitchell",
  "Roberts",
  "Carter",
  "Phillips",
  "Evans",
  "Turner",
  "Torres",
  "Parker",
  "Collins",
  "Edwards",
];

export interface Region {
  name: string;
  code: string;
  cities: string[];
  taxRate: number;
}

export interface Country {
  name: string;
  code: string;
  share: number;
  domestic: boolean;
  regions: Region[];
}

export const COUNTRIES: Country[] = [
  {
    name: "United States",
    code: "US",
    share: 0.62,
    domestic: true,
    regions: [
      {
        name: "California",
        code: "CA",
        cities: ["Los Angeles", "San Francisco", "San Diego", "Oakland"],
        taxRate: 0.0825,
      },
      { name: "New York", code: "NY", cities: ["New York", "Brooklyn", "Buffalo"], taxRate: 0.08875 },
      { name: "Texas", code: "TX", cities: ["Austin", "Houston", "Dallas"], taxRate: 0.0825 },
      { name: "Florida", code: "FL", cities: ["Miami", "Orlando", "Tampa"], taxRate: 0.07 },
      { name: "Illinois", code: "IL", cities: ["Chicago", "Evanston"], taxRate: 0.1025 },
      { name: "Washington", code: "WA", cities: ["Seattle", "Spokane"], taxRate: 0.101 },
      { name: "Oregon", code: "OR", cities: ["Portland", "Eugene"], taxRate: 0 },
      { name: "Colorado", code: "CO", cities: ["Denver", "Boulder"], taxRate: 0.0881 },
      { name: "Massachusetts", code: "MA", cities: ["Boston", "Cambridge"], taxRate: 0.0625 },
      { name: "Georgia", code: "GA", cities: ["Atlanta", "Savannah"], taxRate: 0.089 },
    ],
  },
  {
    name: "Canada",
    code: "CA",
    share: 0.1,
    domestic: false,
    regions: [
      { name: "Ontario", code: "ON", cities: ["Toronto", "Ottawa"], taxRate: 0.13 },
      { name: "British Columbia", code: "BC", cities: ["Vancouver", "Victoria"], taxRate: 0.12 },
      { name: "Quebec", code: "QC", cities: ["Montréal", "Québec City"], taxRate: 0.14975 },
    ],
  },
  {
    name: "United Kingdom",
    code: "GB",
    share: 0.1,
    domestic: false,
    regions: [
      { name: "England", code: "ENG", cities: ["London", "Manchester", "Bristol", "Leeds"], taxRate: 0.2 },
      { name: "Scotland", code: "SCT", cities: ["Edinburgh", "Glasgow"], taxRate: 0.2 },
    ],
  },
  {
    name: "Australia",
    code: "AU",
    share: 0.07,
    domestic: false,
    regions: [
      { name: "New South Wales", code: "NSW", cities: ["Sydney", "Newcastle"], taxRate: 0.1 },
      { name: "Victoria", code: "VIC", cities: ["Melbourne", "Geelong"], taxRate: 0.1 },
    ],
  },
  {
    name: "Germany",
    code: "DE",
    share: 0.06,
    domestic: false,
    regions: [
      { name: "Berlin", code: "BE", cities: ["Berlin"], taxRate: 0.19 },
      { name: "Bavaria", code: "BY", cities: ["Munich", "Nuremberg"], taxRate: 0.19 },
    ],
  },
  {
    name: "Netherlands",
    code: "NL",
    share: 0.05,
    domestic: false,
    regions: [{ name: "North Holland", code: "NH", cities: ["Amsterdam", "Haarlem"], taxRate: 0.21 }],
  },
];

export const INCOME_BANDS = ["<25k", "25-50k", "50-100k", "100-150k", "150k+"] as const;
export type IncomeBand = (typeof INCOME_BANDS)[number];

export const GENDERS = ["female", "male", "nonbinary", "undisclosed"] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_SHARES = [0.56, 0.36, 0.03, 0.05];

export const EMAIL_DOMAINS = ["example.com", "example.net", "example.org"];
