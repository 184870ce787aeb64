//! Finding a person by any part of their name, forgiving a typo: the rule
//! both databases share. The database's index (FTS5 trigrams on SQLite,
//! `pg_trgm` on PostgreSQL) only proposes candidates; whether a candidate
//! matches, and how well, is decided here.
//!
//! A name matches when it contains the query, or when enough of the
//! query's trigrams (three-letter pieces of each word, padded the way
//! `pg_trgm` pads them) appear in it: "Elis" finds "Ellis", "Kowalsky"
//! finds "Kowalski".

use std::collections::BTreeSet;

/// The share of the query's trigrams a name must hold to match, the same
/// as `pg_trgm.word_similarity_threshold`'s default.
pub const THRESHOLD: f64 = 0.6;

/// Queries shorter than this are matched as a plain substring only: two
/// letters carry too few trigrams to tell a typo from another name.
pub const MIN_FUZZY_LEN: usize = 3;

/// The normalised form of what was typed: lower case, control characters
/// dropped, runs of spaces collapsed.
pub fn normalise(query: &str) -> String {
    query
        .split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How well `text` (a person's search text, already lower case) matches
/// `query` (normalised): 1.0 when it contains the query, otherwise the
/// share of the query's trigrams found in the text; `None` below
/// [`THRESHOLD`].
pub fn score(query: &str, text: &str) -> Option<f64> {
    if query.is_empty() || text.contains(query) {
        return Some(1.0);
    }
    if query.chars().count() < MIN_FUZZY_LEN {
        return None;
    }
    let wanted = trigrams(query);
    if wanted.is_empty() {
        return None;
    }
    let have = trigrams(text);
    let common = wanted.intersection(&have).count();
    let share = common as f64 / wanted.len() as f64;
    (share >= THRESHOLD).then_some(share)
}

/// The trigrams of each word, padded with two spaces in front and one
/// behind, as `pg_trgm` makes them; only letters and digits count.
pub fn trigrams(text: &str) -> BTreeSet<[char; 3]> {
    let mut out = BTreeSet::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let padded: Vec<char> = "  ".chars().chain(word.chars()).chain(" ".chars()).collect();
        for w in padded.windows(3) {
            out.insert([w[0], w[1], w[2]]);
        }
    }
    out
}

/// The query's unpadded trigrams, for asking an FTS5 trigram index for
/// candidates (it indexes the raw text, so padded trigrams never occur).
pub fn inner_trigrams(query: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    for word in query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let chars: Vec<char> = word.chars().collect();
        for w in chars.windows(3) {
            out.insert(w.iter().collect::<String>());
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_part_of_a_name_matches_fully() {
        assert_eq!(score("lis", "leo ellis"), Some(1.0));
        assert_eq!(score("leo el", "leo ellis"), Some(1.0));
        assert_eq!(score("", "anyone"), Some(1.0));
    }

    #[test]
    fn a_typo_still_finds_the_name() {
        assert!(score("elis", "leo ellis").is_some());
        assert!(score("kowalsky", "anna kowalski").is_some());
        assert!(score("obrien", "sean o brien").is_some());
    }

    #[test]
    fn another_name_does_not_match() {
        assert_eq!(score("smith", "leo ellis"), None);
        assert_eq!(score("le", "amara okafor"), None);
        assert_eq!(score("ellis", "elsie"), None);
    }

    #[test]
    fn closer_names_score_higher() {
        let near = score("kowalsky", "anna kowalski").unwrap();
        let exact = score("kowalski", "anna kowalski").unwrap();
        assert!(near < exact);
    }

    #[test]
    fn queries_are_normalised() {
        assert_eq!(normalise("  Leo \t ELLIS\u{7} "), "leo ellis");
    }

    #[test]
    fn inner_trigrams_are_what_fts5_indexes() {
        assert_eq!(inner_trigrams("elis"), vec!["eli".to_owned(), "lis".to_owned()]);
        assert!(inner_trigrams("le").is_empty());
    }
}
