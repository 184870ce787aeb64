//! Money as people type it and read it: one parser and one formatter for
//! every door (forms, API human text, checks, history).
//!
//! Amounts are kept in whole pence (`i64`). [`parse`] reads what a person
//! types in pounds: `12.50`, `£12.50`, `1,250`, `1,250.00`, ` £ 95 `. A
//! comma is only ever a thousands separator; `12,50` is refused ("use a
//! full stop for pence") rather than guessed, because reading it as
//! £1,250.00 or as £12.50 would both be wrong for someone. [`format`]
//! writes `£1,365.50` everywhere.

/// The largest amount accepted anywhere: £1,000,000. Nothing in a support
/// plan costs more; a bigger number is a typing slip.
pub const MAX_PENCE: i64 = 100_000_000;

/// Why a typed amount was refused: a sentence for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// "12,50": a comma where pence were meant.
    CommaForPence,
    /// "12.505"
    TooManyDecimals,
    /// "-5" where only nothing or more is allowed.
    Negative,
    /// Over [`MAX_PENCE`].
    TooLarge,
    /// Anything else that is not an amount: "ten", "1,2,3", "£".
    NotAnAmount,
}

impl MoneyError {
    pub fn message(&self) -> String {
        match self {
            MoneyError::CommaForPence => {
                "Use a full stop for pence, like 12.50 (a comma separates thousands, like 1,250)".into()
            }
            MoneyError::TooManyDecimals => "Enter pence with 2 digits at most, like 12.50".into(),
            MoneyError::Negative => "The amount cannot be negative".into(),
            MoneyError::TooLarge => format!("Enter an amount of {} or less", format(MAX_PENCE)),
            MoneyError::NotAnAmount => "Enter an amount in pounds, like 95 or 1,250.50".into(),
        }
    }
}

impl std::fmt::Display for MoneyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

/// Whether a negative amount makes sense for the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    /// Costs and budgets: nothing or more.
    NotNegative,
    /// Differences and corrections.
    Any,
}

/// Reads an amount in pounds as typed, in pence.
pub fn parse(typed: &str, sign: Sign) -> Result<i64, MoneyError> {
    // Spaces anywhere are layout (" £ 95 ", "£1 250" is not accepted
    // below because the digits would then need grouping).
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let (negative, rest) = match compact.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, compact.as_str()),
    };
    let rest = rest.strip_prefix('£').unwrap_or(rest);
    // "£-5" as well as "-£5".
    let (negative, rest) = match rest.strip_prefix('-') {
        Some(rest) if !negative => (true, rest),
        _ => (negative, rest),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return Err(MoneyError::NotAnAmount);
    }
    if let Some(fraction) = fraction {
        if fraction.contains(',') && !whole.contains(',') {
            return Err(MoneyError::NotAnAmount);
        }
        if !fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(MoneyError::NotAnAmount);
        }
    }
    let whole_digits = read_whole(whole, fraction.is_none())?;
    let fraction = fraction.unwrap_or("");
    if fraction.len() > 2 {
        return Err(MoneyError::TooManyDecimals);
    }
    if whole_digits.len() > 12 {
        return Err(MoneyError::TooLarge);
    }
    let pounds: i64 = if whole_digits.is_empty() {
        0
    } else {
        whole_digits.parse().map_err(|_| MoneyError::NotAnAmount)?
    };
    let pence: i64 = format!("{fraction:0<2}").parse().map_err(|_| MoneyError::NotAnAmount)?;
    let amount = pounds * 100 + pence;
    if amount > MAX_PENCE {
        return Err(MoneyError::TooLarge);
    }
    if negative && amount != 0 {
        if sign == Sign::NotNegative {
            return Err(MoneyError::Negative);
        }
        return Ok(-amount);
    }
    Ok(amount)
}

/// The digits of the pounds, checking that any commas group thousands.
fn read_whole(whole: &str, no_point: bool) -> Result<String, MoneyError> {
    if !whole.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return Err(MoneyError::NotAnAmount);
    }
    if !whole.contains(',') {
        return Ok(whole.to_owned());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let last = groups[groups.len() - 1];
    // "12,50" or "12,5": the comma was meant as a decimal point.
    if no_point && groups.len() == 2 && (1..=2).contains(&last.len()) && !groups[0].is_empty() {
        return Err(MoneyError::CommaForPence);
    }
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    if first_ok && rest_ok {
        Ok(groups.concat())
    } else {
        Err(MoneyError::NotAnAmount)
    }
}

/// `£1,365.50`; `-£3.00` when negative.
pub fn format(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let abs = pence.unsigned_abs();
    let pounds = (abs / 100).to_string();
    let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
    for (i, digit) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}£{grouped}.{:02}", abs % 100)
}

/// What a form field shows for an amount already saved: `1,365.50`, which
/// [`parse`] reads back as the same amount.
pub fn for_input(pence: i64) -> String {
    format(pence).replacen('£', "", 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_amounts_as_people_type_them() {
        for (typed, pence) in [
            ("12.50", 1250),
            ("£12.50", 1250),
            ("1,250", 125_000),
            ("1,250.00", 125_000),
            (" £ 95 ", 9500),
            ("95", 9500),
            ("0.5", 50),
            (".75", 75),
            ("£1,000,000", MAX_PENCE),
            ("1,365.50", 136_550),
            ("£0", 0),
        ] {
            assert_eq!(parse(typed, Sign::NotNegative), Ok(pence), "{typed}");
        }
    }

    #[test]
    fn a_comma_for_pence_is_refused_not_guessed() {
        assert_eq!(parse("12,50", Sign::NotNegative), Err(MoneyError::CommaForPence));
        assert_eq!(parse("£12,5", Sign::NotNegative), Err(MoneyError::CommaForPence));
        assert!(
            MoneyError::CommaForPence
                .message()
                .to_lowercase()
                .contains("use a full stop for pence")
        );
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for (typed, error) in [
            ("12.505", MoneyError::TooManyDecimals),
            ("-5", MoneyError::Negative),
            ("£-5.00", MoneyError::Negative),
            ("-£5", MoneyError::Negative),
            ("1000001", MoneyError::TooLarge),
            ("99999999999999999999", MoneyError::TooLarge),
            ("ten", MoneyError::NotAnAmount),
            ("", MoneyError::NotAnAmount),
            ("£", MoneyError::NotAnAmount),
            ("1,2,3", MoneyError::NotAnAmount),
            ("12,5000", MoneyError::NotAnAmount),
            ("1,25.00", MoneyError::NotAnAmount),
            ("12.5.0", MoneyError::NotAnAmount),
            ("1.250,00", MoneyError::NotAnAmount),
            ("£5£", MoneyError::NotAnAmount),
            ("--5", MoneyError::NotAnAmount),
        ] {
            assert_eq!(parse(typed, Sign::NotNegative), Err(error), "{typed}");
        }
        assert_eq!(parse("-£5", Sign::Any), Ok(-500));
    }

    #[test]
    fn formats_one_way() {
        assert_eq!(format(136_550), "£1,365.50");
        assert_eq!(format(0), "£0.00");
        assert_eq!(format(5), "£0.05");
        assert_eq!(format(-300), "-£3.00");
        assert_eq!(format(100_000_000), "£1,000,000.00");
        assert_eq!(format(i64::MIN), "-£92,233,720,368,547,758.08");
        assert_eq!(for_input(136_550), "1,365.50");
    }

    proptest! {
        #[test]
        fn what_is_shown_reads_back_as_the_same_amount(pence in -MAX_PENCE..=MAX_PENCE) {
            prop_assert_eq!(parse(&format(pence), Sign::Any), Ok(pence));
            prop_assert_eq!(parse(&for_input(pence), Sign::Any), Ok(pence));
            if pence >= 0 {
                prop_assert_eq!(parse(&format(pence), Sign::NotNegative), Ok(pence));
            }
        }

        #[test]
        fn plain_pounds_and_pence_read_as_typed(pounds in 0i64..=999_999, pence in 0i64..100) {
            prop_assert_eq!(parse(&format!("{pounds}.{pence:02}"), Sign::NotNegative), Ok(pounds * 100 + pence));
        }

        #[test]
        fn parsing_never_panics(typed in "\\PC{0,30}") {
            let _ = parse(&typed, Sign::Any);
        }
    }
}
