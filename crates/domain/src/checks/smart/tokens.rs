//! The SMART check's tokenizer: words, numbers, symbols and punctuation.

// ---------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Word,
    Num,
    Sym,
    Punct,
}

#[derive(Debug)]
pub(super) struct Tok {
    /// lower-cased, normalised text
    pub(super) text: String,
    pub(super) kind: Kind,
    /// byte range in the original text
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn norm_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        '\u{2044}' | '\u{2215}' => '/',
        _ => c,
    }
}

pub(super) fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, norm_char(c))).collect();
    let byte_at = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let ch = |k: usize| chars.get(k).map(|&(_, c)| c);
    let mut toks = Vec::with_capacity(chars.len() / 4 + 1);
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(c) = ch(i) {
                if c.is_alphanumeric() {
                    s.extend(c.to_lowercase());
                    i += 1;
                } else if matches!(c, '/' | '.' | ':' | ',' | '-')
                    && s.ends_with(|p: char| p.is_ascii_digit())
                    && ch(i + 1).is_some_and(|n| n.is_ascii_digit())
                {
                    s.push(c);
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(Tok {
                text: s,
                kind: Kind::Num,
                start,
                end: byte_at(i),
            });
        } else if c.is_alphabetic() {
            let mut s = String::new();
            while let Some(c) = ch(i) {
                if c.is_alphanumeric() {
                    s.extend(c.to_lowercase());
                    i += 1;
                } else if c == '\'' && ch(i + 1).is_some_and(char::is_alphabetic) {
                    s.push('\'');
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(Tok {
                text: s,
                kind: Kind::Word,
                start,
                end: byte_at(i),
            });
        } else if c == '-' {
            let joined = i > 0 && chars[i - 1].1.is_alphanumeric() && ch(i + 1).is_some_and(char::is_alphanumeric);
            if !joined {
                toks.push(Tok {
                    text: "-".into(),
                    kind: Kind::Punct,
                    start,
                    end: byte_at(i + 1),
                });
            }
            i += 1;
        } else if c == '\n'
            || matches!(
                c,
                ',' | '.' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '•' | '…' | '*' | '·'
            )
        {
            toks.push(Tok {
                text: c.to_string(),
                kind: Kind::Punct,
                start,
                end: byte_at(i + 1),
            });
            i += 1;
        } else if matches!(c, '%' | '£' | '$' | '€' | '/' | '+' | '<' | '>' | '=') {
            toks.push(Tok {
                text: c.to_string(),
                kind: Kind::Sym,
                start,
                end: byte_at(i + 1),
            });
            i += 1;
        } else {
            // whitespace, quotes and other symbols separate words
            i += 1;
        }
    }
    toks
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum NumKind {
    Plain,
    Date,
    Clock,
    Ordinal,
    Fraction,
    Ratio,
    Year,
}

pub(super) fn num_kind(s: &str) -> NumKind {
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (lead, rest) = s.split_at(digits_end);
    if rest.ends_with("am") || rest.ends_with("pm") {
        let core = &rest[..rest.len() - 2];
        if core.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ':') {
            return NumKind::Clock;
        }
    }
    let count = |p: char| s.matches(p).count();
    if count('/') >= 2 || count('-') >= 2 || count('.') >= 2 {
        return NumKind::Date;
    }
    if count(':') == 1 {
        let mut parts = s.splitn(2, ':');
        let a = parts.next().unwrap_or("");
        let b = parts.next().unwrap_or("");
        let hour_ok = a.parse::<u32>().is_ok_and(|h| h <= 24);
        return if b.len() == 2 && hour_ok {
            NumKind::Clock
        } else {
            NumKind::Ratio
        };
    }
    if count('/') == 1 {
        return NumKind::Fraction;
    }
    if matches!(rest, "st" | "nd" | "rd" | "th") && !lead.is_empty() {
        return NumKind::Ordinal;
    }
    if rest.is_empty() && lead.len() == 4 && (lead.starts_with("19") || lead.starts_with("20")) {
        return NumKind::Year;
    }
    NumKind::Plain
}

pub(super) fn num_word(w: &str) -> Option<u32> {
    Some(match w {
        "zero" | "nil" => 0,
        "one" | "once" => 1,
        "two" | "twice" => 2,
        "three" | "thrice" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" | "dozen" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        "hundred" => 100,
        "thousand" => 1000,
        _ => return None,
    })
}
