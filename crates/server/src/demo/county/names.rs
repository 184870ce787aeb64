//! Fictional names: first names joined with made-up family names and
//! places (a made-up family name is a syllable pair no phone book needs,
//! e.g. "Ashbrook" or "Fernwick"), so no generated person is a real one.

pub const GIVEN: &[&str] = &[
    "Aaliyah", "Aaron", "Abigail", "Adam", "Aisha", "Alfie", "Alice", "Amara", "Amelia", "Archie", "Arlo", "Ava",
    "Ayaan", "Bella", "Ben", "Bethany", "Caleb", "Callum", "Chloe", "Connor", "Daisy", "Dan", "Darcy", "Declan",
    "Eden", "Eli", "Ella", "Elsie", "Emily", "Erin", "Ethan", "Evie", "Ezra", "Faith", "Farah", "Finley", "Florence",
    "Frankie", "Freya", "Gabriel", "George", "Grace", "Hana", "Harley", "Harper", "Harry", "Hazel", "Henry", "Ibrahim",
    "Imogen", "Isaac", "Isla", "Ivy", "Jack", "Jacob", "Jamie", "Jasmine", "Jayden", "Jenna", "Joel", "Jude", "Kacper",
    "Kayla", "Kian", "Layla", "Leah", "Lena", "Leon", "Lily", "Logan", "Louis", "Luca", "Lucy", "Maisie", "Malik",
    "Maya", "Mia", "Milo", "Mohammed", "Molly", "Nathan", "Niamh", "Noah", "Nora", "Olivia", "Omar", "Oscar", "Owen",
    "Phoebe", "Poppy", "Priya", "Reggie", "Riley", "Rosa", "Rory", "Ruth", "Sara", "Seren", "Sienna", "Sofia",
    "Stanley", "Tariq", "Teddy", "Theo", "Tilly", "Toby", "Tyler", "Violet", "Willow", "Yusuf", "Zac", "Zara", "Zofia",
];

/// The first part of a made-up family name or place.
const FIRST: &[&str] = &[
    "Ash", "Bal", "Bram", "Brack", "Cal", "Cold", "Cran", "Dar", "Ell", "Fal", "Fern", "Gar", "Glen", "Hal", "Hart",
    "Hol", "Kel", "Kin", "Lang", "Lind", "Mar", "Mel", "Nor", "Oak", "Pen", "Quen", "Ravel", "Rook", "Sel", "Stan",
    "Thorn", "Tre", "Ul", "Wes", "Wil", "Yar",
];

/// The second part.
const SECOND: &[&str] = &[
    "bank", "brook", "bury", "by", "combe", "croft", "dale", "den", "field", "ford", "gate", "ham", "holt", "hurst",
    "ley", "mere", "more", "stead", "stow", "thorpe", "ton", "well", "wick", "worth",
];

/// A made-up family name or place from a number.
pub fn made_up(n: u64) -> String {
    let first = FIRST[(n % FIRST.len() as u64) as usize];
    let second = SECOND[((n / FIRST.len() as u64) % SECOND.len() as u64) as usize];
    format!("{first}{second}")
}

/// How many made-up names there are.
pub fn made_up_count() -> u64 {
    (FIRST.len() * SECOND.len()) as u64
}
