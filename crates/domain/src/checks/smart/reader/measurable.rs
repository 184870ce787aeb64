//! The SMART reader, measurable: quantities, counts and measures.

use super::*;

impl Reader<'_> {
    // -----------------------------------------------------------------------
    // Measurable
    // -----------------------------------------------------------------------

    /// A clock time at `i` ("10pm", "10:30", "9 am", "midnight").
    pub(in crate::checks::smart) fn clock_at(&self, i: usize) -> Option<usize> {
        match self.num_kind_at(i) {
            Some(NumKind::Clock) => Some(i + 1),
            Some(NumKind::Plain) if matches!(self.w(i + 1), "am" | "pm" | "o'clock") => Some(i + 2),
            Some(NumKind::Plain) if self.w(i + 1) == "o" && self.w(i + 2).starts_with("clock") => Some(i + 3),
            _ if matches!(self.w(i), "midnight" | "noon" | "midday") => Some(i + 1),
            _ => None,
        }
    }

    /// "two-step": a number joined by a hyphen to the next word.
    pub(in crate::checks::smart) fn hyphen_joined(&self, i: usize) -> bool {
        match (self.toks.get(i), self.toks.get(i + 1)) {
            (Some(a), Some(b)) if a.end < b.start => {
                let mut between = self.text[a.end..b.start].chars().map(norm_char);
                between.next() == Some('-') && between.next().is_none()
            }
            _ => false,
        }
    }

    /// Is the number at `i` an amount (not a label such as "year 4")?
    pub(in crate::checks::smart) fn quantity_at(&self, i: usize) -> bool {
        let prev = self.back(i, 1);
        // "two-step instruction" is a description; "20-minute walk" is an amount
        if self.hyphen_joined(i) {
            let unit = self.w(i + 1);
            let is_unit = long_period(unit)
                || matches!(
                    unit,
                    "minute"
                        | "minutes"
                        | "min"
                        | "mins"
                        | "hour"
                        | "hours"
                        | "hr"
                        | "second"
                        | "seconds"
                        | "day"
                        | "days"
                        | "night"
                        | "nights"
                        | "mile"
                        | "miles"
                        | "km"
                        | "metre"
                        | "metres"
                        | "meter"
                        | "meters"
                        | "page"
                        | "pages"
                        | "point"
                        | "session"
                        | "word"
                        | "piece"
                );
            if !is_unit {
                return false;
            }
        }
        let label = matches!(
            prev,
            "year"
                | "yr"
                | "stage"
                | "ks"
                | "step"
                | "phase"
                | "room"
                | "page"
                | "chapter"
                | "unit"
                | "module"
                | "box"
                | "tier"
                | "number"
                | "no"
                | "session"
                | "week"
                | "version"
                | "part"
                | "section"
                | "wave"
                | "flat"
                | "class"
                | "priority"
                | "y"
        );
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Num => {
                !label
                    && matches!(num_kind(&t.text), NumKind::Plain | NumKind::Fraction | NumKind::Year)
                    && !(num_kind(&t.text) == NumKind::Fraction && matches!(prev, "by" | "on" | "before" | "until"))
            }
            Some(t) if t.kind == Kind::Word => {
                let w = t.text.as_str();
                if num_word(w).is_none() || label {
                    return false;
                }
                let next = self.w(i + 1);
                if w == "one" {
                    if prev == "no" || prev == "any" || prev == "every" || prev == "each" {
                        return false;
                    }
                    if matches!(next, "to" | "on") && self.w(i + 2) == "one" {
                        return false;
                    }
                    if next == "day" && !self.frequency_tail(i + 2) {
                        return false;
                    }
                    if next == "of" && !matches!(prev, "least" | "than") {
                        return false;
                    }
                    if matches!(next, "another" | "thing" | "who" | "that") {
                        return false;
                    }
                }
                if w == "zero" && next == "tolerance" {
                    return false;
                }
                true
            }
            _ => false,
        }
    }

    pub(in crate::checks::smart) fn extend_left(&self, s: usize) -> usize {
        let mut s = s;
        let f = |k: usize, n: usize| -> &str { if k < n { "" } else { self.free(k - n) } };
        let mut threshold = false;
        for _ in 0..3 {
            let (p1, p2, p3) = (f(s, 1), f(s, 2), f(s, 3));
            if p2 == "at" && matches!(p1, "least" | "most") {
                s -= 2;
                threshold = true;
            } else if p1 == "than" && matches!(p2, "more" | "less" | "fewer" | "greater" | "higher" | "lower") {
                s -= if matches!(p3, "no" | "not") { 3 } else { 2 };
                threshold = true;
            } else if p2 == "up" && p1 == "to" {
                s -= 2;
                threshold = true;
            } else if p1 == "of" && matches!(p2, "minimum" | "maximum" | "total" | "average") {
                s -= if p3 == "a" || p3 == "an" { 3 } else { 2 };
                threshold = true;
            } else if matches!(
                p1,
                "over"
                    | "under"
                    | "above"
                    | "below"
                    | "approximately"
                    | "about"
                    | "around"
                    | "roughly"
                    | "exactly"
                    | "only"
                    | "just"
                    | "nearly"
                    | "almost"
                    | "minimum"
                    | "maximum"
            ) {
                s -= 1;
                threshold = true;
            } else if !threshold && matches!(p1, "on" | "in" | "for" | "within" | "by" | "before" | "until") {
                s -= 1;
                break;
            } else if p1 == "£" || p1 == "$" || p1 == "€" {
                s -= 1;
            } else {
                break;
            }
        }
        s
    }

    pub(in crate::checks::smart) fn extend_right(&self, e: usize) -> usize {
        const MAX_NOUNS: u32 = 3;
        let mut e = e;
        let mut nouns = 0;
        let mut last_was_number = true;
        let content = |k: usize| {
            let w = self.free(k);
            !w.is_empty() && !stop_word(w) && !vague_verb(w) && !vague_quantity(w)
        };
        for _ in 0..16 {
            let w = self.free(e);
            if w.is_empty() {
                break;
            }
            let n1 = self.free(e + 1);
            if self.is_number(e) || self.clock_at(e).is_some() {
                e += 1;
                last_was_number = true;
                continue;
            }
            if matches!(w, "%" | "percent" | "+" | "x" | "times" | "time" | "pounds" | "p") {
                e += 1;
                last_was_number = false;
                continue;
            }
            if w == "per" && n1 == "cent" {
                e += 2;
                continue;
            }
            if matches!(w, "or" | "to" | "and" | "-" | "/" | "in" | "of") && self.is_number(e + 1) {
                e += 2;
                last_was_number = true;
                continue;
            }
            // "5 or lower", "3 or more"
            if w == "or"
                && matches!(
                    n1,
                    "lower" | "less" | "fewer" | "more" | "higher" | "above" | "below" | "under" | "over" | "better"
                )
            {
                e += 2;
                continue;
            }
            if w == "out" && n1 == "of" {
                e += 2;
                continue;
            }
            if matches!(w, "a" | "an" | "per" | "each" | "every" | "/")
                && !n1.is_empty()
                && (long_period(n1)
                    || weekday(n1)
                    || matches!(n1, "other" | "school" | "single" | "half")
                    || !stop_word(n1))
            {
                e += 2;
                if matches!(self.w(e - 1), "other" | "school" | "single" | "half") && !self.free(e).is_empty() {
                    e += 1;
                }
                last_was_number = false;
                nouns = MAX_NOUNS;
                continue;
            }
            if w == "in" && n1 == "a" && self.free(e + 2) == "row" {
                e += 3;
                continue;
            }
            if w == "of" && nouns < MAX_NOUNS {
                // "80% of the time", "80% of his CAMHS appointments", "6 glasses of water"
                let mut k = e + 1;
                if matches!(n1, "the" | "her" | "his" | "their" | "my" | "your") {
                    k += 1;
                }
                if self.free(k) == "time" {
                    e = k + 1;
                    continue;
                }
                if content(k) {
                    e = k + 1;
                    nouns += 1;
                    while nouns < MAX_NOUNS && content(e) {
                        e += 1;
                        nouns += 1;
                    }
                    continue;
                }
            }
            if matches!(w, "consecutive" | "running" | "straight" | "correct" | "correctly") {
                e += 1;
                continue;
            }
            if (last_was_number || nouns > 0) && nouns < MAX_NOUNS && content(e) {
                e += 1;
                nouns += 1;
                last_was_number = false;
                continue;
            }
            break;
        }
        while e > 0
            && matches!(
                self.w(e - 1),
                "a" | "an" | "of" | "in" | "per" | "each" | "every" | "or" | "to" | "and" | "out" | "the" | "/" | "-"
            )
        {
            e -= 1;
        }
        e
    }

    /// An amount starting at `i`: returns (start, end).
    pub(in crate::checks::smart) fn measure_at(&self, i: usize) -> Option<(usize, usize)> {
        let w = self.free(i);
        if w.is_empty() {
            return None;
        }
        let prev = self.back(i, 1);
        let next = self.w(i + 1);
        let next_free = self.free(i + 1);
        // clock times: "by 10pm", "before 9:30"
        if let Some(e) = self.clock_at(i) {
            if matches!(w, "midnight" | "noon" | "midday")
                && !matches!(prev, "by" | "before" | "until" | "at" | "after")
            {
                return None;
            }
            let s = if matches!(prev, "by" | "before" | "until" | "at" | "after" | "from") && self.free(i - 1) == prev {
                i - 1
            } else {
                i
            };
            return Some((s, self.extend_right(e)));
        }
        // "£20"
        if matches!(w, "£" | "$" | "€") && self.kind(i + 1) == Some(Kind::Num) {
            return Some((self.extend_left(i), self.extend_right(i + 2)));
        }
        if self.quantity_at(i) {
            // "Level 3", "grade 4", "band 5" are thresholds
            let s = if matches!(prev, "level" | "grade" | "band" | "levels" | "grades") && self.free(i - 1) == prev {
                i - 1
            } else {
                i
            };
            return Some((self.extend_left(s), self.extend_right(i + 1)));
        }
        // "half an hour", "an hour a day"
        if w == "half" && matches!(next, "of" | "an" | "a" | "the") {
            return Some((self.extend_left(i), self.extend_right(i + 1)));
        }
        if matches!(w, "an" | "a") && matches!(next, "hour" | "minute" | "quarter") {
            return Some((self.extend_left(i), self.extend_right(i + 2)));
        }
        if frequency_adverb(w) {
            // "daily living skills" names an area, not a frequency
            if w == "daily" && matches!(next, "living" | "life" | "tasks" | "routine") {
                return None;
            }
            return Some((self.extend_left(i), i + 1));
        }
        if weekday_plural(w) {
            let mut e = i + 1;
            while matches!(self.free(e), "and" | "or") && weekday_plural(self.free(e + 1)) {
                e += 2;
            }
            let s = if matches!(prev, "on" | "at") && self.free(i - 1) == prev {
                i - 1
            } else {
                i
            };
            return Some((s, e));
        }
        match w {
            "every" | "each" => {
                let mut e = i + 1;
                if matches!(next_free, "other" | "single" | "school") {
                    e += 1;
                }
                if self.free(e) == "of" {
                    e += 1;
                    if matches!(self.free(e), "the" | "her" | "his" | "their") {
                        e += 1;
                    }
                }
                let n = self.free(e);
                if n.is_empty() || (stop_word(n) && !matches!(n, "time")) {
                    return None;
                }
                e += 1;
                // "each counselling session", "every weekly CBT session"
                if !weekday(n) && n != "time" {
                    for _ in 0..2 {
                        let m = self.free(e);
                        if m.is_empty() || stop_word(m) || action_verb(m) || vague_verb(m) {
                            break;
                        }
                        e += 1;
                    }
                }
                // "every Monday and Thursday"
                if matches!(self.free(e), "and" | "or") && weekday(self.free(e + 1)) {
                    e += 2;
                }
                if matches!(self.free(e), "morning" | "evening" | "night" | "day" | "lesson")
                    && (weekday(n) || n == "school")
                {
                    e += 1;
                }
                Some((self.extend_left(i), e))
            }
            "all" | "both" => {
                if prev == "at" || matches!(next, "right" | "over" | "along") {
                    return None;
                }
                let mut e = i + 1;
                if self.free(e) == "of" {
                    e += 1;
                }
                if matches!(self.free(e), "the" | "her" | "his" | "their" | "my" | "your") {
                    e += 1;
                }
                let n = self.free(e);
                if n.is_empty() || stop_word(n) || vague_verb(n) {
                    return None;
                }
                e += 1;
                // "all his tenancy sustainment appointments"
                for _ in 0..2 {
                    let m = self.free(e);
                    if m.is_empty() || stop_word(m) || action_verb(m) || vague_verb(m) {
                        break;
                    }
                    e += 1;
                }
                Some((i, e))
            }
            "full" | "whole" | "entire" => {
                let n = next_free;
                if long_period(n)
                    || matches!(
                        n,
                        "day"
                            | "days"
                            | "lesson"
                            | "lessons"
                            | "session"
                            | "sessions"
                            | "school"
                            | "amount"
                            | "rent"
                            | "payment"
                            | "course"
                            | "programme"
                            | "program"
                            | "dose"
                            | "week's"
                            | "timetable"
                            | "meal"
                    )
                {
                    let s = if matches!(prev, "a" | "the") && self.free(i - 1) == prev {
                        i - 1
                    } else {
                        i
                    };
                    let mut e = i + 2;
                    if n == "school" && matches!(self.free(e), "day" | "week" | "days") {
                        e += 1;
                    }
                    return Some((s, e));
                }
                if w == "full" && prev == "in" && self.free(i - 1) == "in" {
                    return Some((i - 1, i + 1));
                }
                None
            }
            "on" if next_free == "time" => Some((i, i + 2)),
            "in" if next_free == "full" => Some((i, i + 2)),
            "no" if zero_noun(next_free) => {
                let mut e = i + 2;
                if !self.free(e).is_empty() && !stop_word(self.free(e)) {
                    e += 1;
                    if self.free(e) == "harm" || self.free(e) == "term" {
                        e += 1;
                    }
                }
                Some((i, e))
            }
            "without" if matches!(next_free, "missing" | "any" | "fail") => {
                if next_free == "fail" {
                    return Some((i, i + 2));
                }
                let mut e = i + 2;
                for _ in 0..3 {
                    let n = self.free(e);
                    if n.is_empty() || (stop_word(n) && !matches!(n, "a" | "an" | "single")) {
                        break;
                    }
                    e += 1;
                }
                Some((i, e))
            }
            "hour" | "hours" | "minute" | "minutes" if matches!(prev, "an" | "half" | "quarter") => None,
            _ => {
                // "clear her arrears", "pay off the debt", "repay"
                if lemma(w, |b| matches!(b, "clear" | "repay")).is_some()
                    || (lemma(w, |b| b == "pay").is_some() && next == "off")
                {
                    for k in i + 1..(i + 5).min(self.toks.len()) {
                        let n = self.free(k);
                        if matches!(n, "arrears" | "debt" | "debts" | "balance" | "loan" | "fine") {
                            return Some((i, k + 1));
                        }
                        if n.is_empty() {
                            break;
                        }
                    }
                }
                None
            }
        }
    }

    pub(in crate::checks::smart) fn find_measures(&mut self) -> Vec<Found> {
        let mut spans = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((s, e)) = self.measure_at(i) {
                let e = e.max(i + 1);
                self.mark(s, e, Use::Measure);
                spans.push(Found { start: s, end: e });
                i = e;
            } else {
                i += 1;
            }
        }
        spans
    }
}
