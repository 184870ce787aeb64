//! The SMART check's reader: walks the tokens and finds each criterion.

use super::*;

// The reader
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Use {
    Free,
    Time,
    Evidence,
    Measure,
}

pub(super) struct Found {
    pub(super) start: usize,
    pub(super) end: usize,
}

#[derive(Default, Clone, Copy)]
pub(super) struct TimeFlags {
    /// "for six months": a length of time kept up (not "the next")
    pub(super) sustained: bool,
    /// "a full term", "4 consecutive weeks"
    pub(super) complete: bool,
    /// "for" phrase
    pub(super) duration: bool,
}

pub(super) struct Reader<'a> {
    pub(super) text: &'a str,
    pub(super) toks: Vec<Tok>,
    pub(super) used: Vec<Use>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str, toks: Vec<Tok>) -> Self {
        let used = vec![Use::Free; toks.len()];
        Reader { text, toks, used }
    }

    /// The word at `i`, or "" past the end or at punctuation.
    pub(super) fn w(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.kind != Kind::Punct => &t.text,
            _ => "",
        }
    }

    /// The word at `i` if no phrase has claimed it yet.
    pub(super) fn free(&self, i: usize) -> &str {
        if self.used.get(i) == Some(&Use::Free) {
            self.w(i)
        } else {
            ""
        }
    }

    /// The word before `i` (n steps back), "" if none.
    pub(super) fn back(&self, i: usize, n: usize) -> &str {
        if i < n { "" } else { self.w(i - n) }
    }

    pub(super) fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub(super) fn num_kind_at(&self, i: usize) -> Option<NumKind> {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Num => Some(num_kind(&t.text)),
            _ => None,
        }
    }

    /// A number as digits or words.
    pub(super) fn is_number(&self, i: usize) -> bool {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Num => true,
            Some(t) if t.kind == Kind::Word => num_word(&t.text).is_some(),
            _ => false,
        }
    }

    pub(super) fn mark(&mut self, s: usize, e: usize, u: Use) {
        for slot in &mut self.used[s..e.min(self.toks.len())] {
            if *slot == Use::Free {
                *slot = u;
            }
        }
    }

    pub(super) fn quote(&self, s: usize, e: usize) -> String {
        let e = e.min(self.toks.len());
        if s >= e {
            return String::new();
        }
        let raw = &self.text[self.toks[s].start..self.toks[e - 1].end];
        let mut out = String::with_capacity(raw.len());
        let mut space = false;
        for c in raw.chars() {
            if c.is_whitespace() {
                space = true;
            } else {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
        out
    }

    // -----------------------------------------------------------------------
    // Time
    // -----------------------------------------------------------------------

    /// A run of time words from `j`: returns the end of the run if it names
    /// a point or period, with what it contains.
    pub(super) fn time_run(&self, j: usize) -> Option<(usize, TimeFlags, bool)> {
        let mut k = j;
        let mut anchor_end: Option<usize> = None;
        let mut flags = TimeFlags::default();
        let mut saw_number = false;
        let mut saw_endstart = false;
        let mut saw_next = false;
        let limit = j + 9;
        while k < self.toks.len() && k < limit && self.used[k] == Use::Free {
            let t = &self.toks[k];
            match t.kind {
                Kind::Punct | Kind::Sym => break,
                Kind::Num => match num_kind(&t.text) {
                    NumKind::Date | NumKind::Year | NumKind::Ordinal => anchor_end = Some(k + 1),
                    NumKind::Plain => {
                        let prev = self.back(k, 1);
                        let labelled = matches!(
                            prev,
                            "year" | "yr" | "stage" | "week" | "age" | "term" | "month" | "day"
                        ) || (prev == "of" && self.back(k, 2) == "age");
                        if labelled {
                            anchor_end = Some(k + 1);
                        } else {
                            saw_number = true;
                        }
                    }
                    _ => break,
                },
                Kind::Word => {
                    let w = t.text.as_str();
                    let prev = if k > j { self.back(k, 1) } else { "" };
                    // "four days a week": a per-period tail ends the run
                    if anchor_end == Some(k) && matches!(w, "a" | "an" | "per" | "each" | "every") {
                        break;
                    }
                    if num_word(w).is_some() {
                        if matches!(prev, "year" | "stage" | "age" | "week" | "term") {
                            anchor_end = Some(k + 1);
                        } else {
                            saw_number = true;
                        }
                    } else if matches!(w, "day" | "days") {
                        if saw_number {
                            anchor_end = Some(k + 1);
                        } else if !time_filler(w) {
                            break;
                        }
                    } else if w == "year" && matches!(self.w(k + 1), "group") {
                        break;
                    } else if time_anchor_word(w) || (time_container(w) && saw_endstart) {
                        anchor_end = Some(k + 1);
                    } else if time_filler(w) {
                        // keep going
                    } else if matches!(w, "moving" | "move") && saw_endstart {
                        anchor_end = Some(k + 1);
                    } else {
                        break;
                    }
                    if matches!(w, "end" | "start" | "beginning" | "close" | "completion") {
                        saw_endstart = true;
                    }
                    if matches!(w, "next" | "coming" | "following" | "rest" | "remainder") {
                        saw_next = true;
                    }
                    if matches!(w, "full" | "whole" | "entire" | "consecutive") {
                        flags.complete = true;
                    }
                }
            }
            k += 1;
        }
        let end = anchor_end?;
        // "months' time"
        let end = if self.w(end) == "time" && self.used.get(end) == Some(&Use::Free) {
            end + 1
        } else {
            end
        };
        flags.sustained = !saw_next;
        Some((end, flags, saw_endstart || saw_next))
    }

    /// True when a per-period tail follows ("a week", "per month"), which
    /// makes the phrase a frequency rather than a time frame.
    pub(super) fn frequency_tail(&self, i: usize) -> bool {
        matches!(self.w(i), "a" | "an" | "per" | "each" | "every" | "/")
            && (long_period(self.w(i + 1)) || matches!(self.w(i + 1), "day" | "night" | "school" | "other"))
    }

    /// "before she moves on", "until he leaves school".
    pub(super) fn transition(&self, i: usize) -> Option<usize> {
        for k in i + 1..(i + 5).min(self.toks.len()) {
            let w = self.free(k);
            if w.is_empty() {
                return None;
            }
            let next = self.w(k + 1);
            let hit = match lemma(w, |b| {
                matches!(
                    b,
                    "move"
                        | "transition"
                        | "transfer"
                        | "leave"
                        | "start"
                        | "finish"
                        | "turn"
                        | "reach"
                        | "go"
                        | "begin"
                )
            })
            .as_deref()
            {
                Some("move" | "transition" | "transfer") => true,
                Some("leave" | "finish") => matches!(
                    next,
                    "school"
                        | "care"
                        | "college"
                        | "university"
                        | "hospital"
                        | "the"
                        | "supported"
                        | "year"
                        | "primary"
                        | "foster"
                ),
                Some("start" | "go" | "begin") => {
                    matches!(
                        next,
                        "secondary"
                            | "college"
                            | "university"
                            | "year"
                            | "sixth"
                            | "work"
                            | "an"
                            | "her"
                            | "his"
                            | "their"
                            | "independent"
                            | "reception"
                            | "nursery"
                            | "high"
                            | "to"
                    ) && !(next == "to" && matches!(self.w(k + 2), "school" | "bed" | "work"))
                }
                Some("turn" | "reach") => self.is_number(k + 1) || self.w(k + 1) == "adulthood",
                _ => matches!(w, "secondary" | "adulthood" | "discharge" | "transition"),
            };
            if hit {
                let mut e = k + 1;
                while e < self.toks.len() && e < k + 3 && !self.free(e).is_empty() && !stop_word(self.free(e))
                    || matches!(self.free(e), "on" | "out" | "to" | "up" | "of") && e < k + 3
                {
                    e += 1;
                }
                // don't end on a connector
                while e > k + 1 && matches!(self.w(e - 1), "to" | "of") {
                    e -= 1;
                }
                return Some(e);
            }
        }
        None
    }

    /// Try to read a time frame starting at `i`.
    pub(super) fn time_at(&self, i: usize) -> Option<(usize, TimeFlags)> {
        let w = self.free(i);
        let plain = |e: usize| Some((e, TimeFlags::default()));
        match w {
            "by" | "before" | "until" | "till" | "til" | "unto" => {
                let j = i + 1;
                if self.clock_at(j).is_some() {
                    return None;
                }
                if w == "by" && self.w(j) == "the" && self.w(j + 1) == "time" {
                    let mut e = j + 2;
                    while e < self.toks.len()
                        && e < j + 7
                        && !self.free(e).is_empty()
                        && !matches!(
                            self.w(e),
                            "will" | "can" | "should" | "must" | "to" | "and" | "as" | "so"
                        )
                    {
                        e += 1;
                    }
                    return plain(e);
                }
                if let Some((e, _, _)) = self.time_run(j) {
                    // "by Friday each week" is a recurring deadline
                    if matches!(self.w(e), "each" | "every") {
                        return None;
                    }
                    // "improve her reading age by 12 months" is an amount of change
                    let change = (i.saturating_sub(5)..i).any(|k| {
                        lemma(self.w(k), |b| {
                            matches!(
                                b,
                                "improve"
                                    | "increase"
                                    | "reduce"
                                    | "decrease"
                                    | "rise"
                                    | "raise"
                                    | "fall"
                                    | "grow"
                                    | "progress"
                                    | "drop"
                                    | "lower"
                                    | "cut"
                            )
                        })
                        .is_some()
                    });
                    if w == "by" && change && self.is_number(j) {
                        return None;
                    }
                    return plain(e);
                }
                if w != "by" {
                    return self.transition(i).and_then(plain);
                }
                None
            }
            "no" if self.w(i + 1) == "later" && self.w(i + 2) == "than" => {
                self.time_run(i + 3).and_then(|(e, _, _)| plain(e))
            }
            "prior" | "ahead" if matches!(self.w(i + 1), "to" | "of") => {
                self.time_run(i + 2).and_then(|(e, _, _)| plain(e))
            }
            "within" | "over" | "during" | "throughout" | "after" | "in" | "for" | "across" => {
                let mut j = i + 1;
                if w == "for" || w == "within" || w == "over" {
                    // "for at least 6 months", "for a minimum of 12 weeks"
                    match (self.w(j), self.w(j + 1), self.w(j + 2)) {
                        ("at", "least", _) => j += 2,
                        ("a", "minimum" | "maximum" | "period", "of") => j += 3,
                        ("up", "to", _) => j += 2,
                        ("no", "more" | "less", "than") => j += 3,
                        ("more" | "less", "than", _) => j += 2,
                        _ => {}
                    }
                }
                if w == "in" && matches!(self.w(j), "a" | "an" | "each" | "every") && !self.w(j + 1).is_empty() {
                    // "twice in a week" is a frequency
                    return None;
                }
                let (e, mut flags, _) = self.time_run(j)?;
                if self.frequency_tail(e) {
                    return None;
                }
                // "after" needs a number or a named point ("after 6 weeks")
                if w == "after" && !(i + 1..e).any(|k| self.is_number(k) || month_name(self.w(k))) {
                    return None;
                }
                let mut e = e;
                // "within 6 weeks of moving in"
                if w == "within" && self.w(e) == "of" && !self.free(e + 1).is_empty() {
                    e += 2;
                    if matches!(self.free(e), "in" | "on" | "out" | "into") {
                        e += 1;
                    }
                }
                if matches!(self.w(e), "in") && self.w(e + 1) == "a" && self.w(e + 2) == "row" {
                    flags.complete = true;
                    e += 3;
                }
                flags.duration = w == "for" || w == "over" || w == "throughout";
                if !flags.duration {
                    flags.sustained = false;
                }
                Some((e, flags))
            }
            "at" => {
                let (e, _, strong) = self.time_run(i + 1)?;
                let dated = (i + 1..e).any(|k| {
                    matches!(
                        self.num_kind_at(k),
                        Some(NumKind::Date | NumKind::Year | NumKind::Ordinal)
                    ) || month_name(self.w(k))
                        || matches!(self.w(k), "annual" | "final" | "interim" | "six" | "first")
                });
                (strong || dated).then_some((e, TimeFlags::default()))
            }
            "this" | "next" | "end" | "start" | "beginning" | "mid" => {
                if matches!(self.back(i, 1), "the" | "of") && w != "end" && w != "start" {
                    return None;
                }
                let (e, _, _) = self.time_run(i)?;
                if self.frequency_tail(e) {
                    return None;
                }
                plain(e)
            }
            "from" => {
                let (e, _, _) = self.time_run(i + 1)?;
                if matches!(self.w(e), "to" | "until" | "till" | "-")
                    && let Some((e2, _, _)) = self.time_run(e + 1)
                {
                    return plain(e2);
                }
                None
            }
            "between" if self.w(i + 1) == "now" && self.w(i + 2) == "and" => {
                self.time_run(i + 3).and_then(|(e, _, _)| plain(e))
            }
            _ => None,
        }
    }

    /// A written date anywhere: "31/03/2027", "31 March 2027", "March 2027",
    /// "31st March", "summer 2027". Returns (start, end).
    pub(super) fn date_at(&self, i: usize) -> Option<(usize, usize)> {
        if self.used[i] != Use::Free {
            return None;
        }
        let nk = self.num_kind_at(i);
        if nk == Some(NumKind::Date) {
            return Some((i, i + 1));
        }
        let w = self.w(i);
        let day_before = |k: usize| {
            k > 0
                && self.used[k - 1] == Use::Free
                && matches!(self.num_kind_at(k - 1), Some(NumKind::Plain | NumKind::Ordinal))
                && self.toks[k - 1].text.len() <= 4
        };
        let num_after = |k: usize| {
            self.used.get(k + 1) == Some(&Use::Free)
                && matches!(
                    self.num_kind_at(k + 1),
                    Some(NumKind::Year | NumKind::Ordinal | NumKind::Plain)
                )
                && self.toks[k + 1].text.len() <= 4
        };
        if month_name(w) || (season(w) && self.num_kind_at(i + 1) == Some(NumKind::Year)) {
            let s = if day_before(i) { i - 1 } else { i };
            let mut e = i + 1;
            if num_after(i) {
                e = i + 2;
                if self.num_kind_at(e) == Some(NumKind::Year) {
                    e += 1;
                }
            }
            if e - s >= 2 {
                return Some((s, e));
            }
        }
        if nk == Some(NumKind::Year) {
            let prev = self.back(i, 1);
            let next_is_end = self.w(i + 1).is_empty();
            if next_is_end
                || season(prev)
                || matches!(
                    prev,
                    "term" | "in" | "by" | "until" | "before" | "of" | "since" | "year"
                )
            {
                return Some((i, i + 1));
            }
        }
        None
    }

    pub(super) fn find_time(&mut self) -> (Vec<Found>, Option<Found>, Option<Found>) {
        let mut spans = Vec::new();
        let mut sustained = None;
        let mut complete = None;
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((e, flags)) = self.time_at(i) {
                let e = e.max(i + 1);
                self.mark(i, e, Use::Time);
                if flags.duration && flags.sustained && sustained.is_none() {
                    sustained = Some(Found { start: i, end: e });
                }
                if flags.complete && complete.is_none() {
                    complete = Some(Found { start: i, end: e });
                }
                spans.push(Found { start: i, end: e });
                i = e;
            } else {
                i += 1;
            }
        }
        for i in 0..self.toks.len() {
            if let Some((s, e)) = self.date_at(i) {
                self.mark(s, e, Use::Time);
                spans.push(Found { start: s, end: e });
            }
        }
        spans.sort_by_key(|f| f.start);
        (spans, sustained, complete)
    }

    // -----------------------------------------------------------------------
    // Evidence
    // -----------------------------------------------------------------------

    /// Extend a noun phrase to the right from `j` (up to 6 words).
    pub(super) fn noun_phrase(&self, j: usize) -> usize {
        let mut e = j;
        while e < self.toks.len() && e < j + 6 {
            let w = self.free(e);
            if w.is_empty()
                || self.is_number(e)
                || (e > j && stop_word(w) && !matches!(w, "the" | "her" | "his" | "their" | "of"))
                || matches!(w, "and" | "or" | "so" | "each" | "every" | "to")
                || (e > j && frequency_adverb(w) && (self.free(e + 1).is_empty() || stop_word(self.free(e + 1))))
                || (e > j && participle_evidence(w))
            {
                break;
            }
            e += 1;
        }
        while e > j && matches!(self.w(e - 1), "the" | "her" | "his" | "their" | "of" | "a") {
            e -= 1;
        }
        // "logged daily"
        if frequency_adverb(self.free(e)) && matches!(self.free(e), "daily" | "weekly" | "monthly") {
            e += 1;
        }
        e
    }

    pub(super) fn evidence_at(&self, i: usize) -> Option<(usize, usize)> {
        let w = self.free(i);
        if w.is_empty() {
            return None;
        }
        let prev = self.back(i, 1);
        let next = self.w(i + 1);
        // "as shown by …", "measured by …", "will be recorded"
        if participle_evidence(w) {
            let after_be = matches!(
                prev,
                "be" | "is" | "are" | "was" | "been" | "being" | "as" | "get" | "gets"
            );
            let with_prep = evidence_prep(next) && self.free(i + 1) == next;
            if w == "seen" && prev != "as" {
                return None;
            }
            if with_prep || after_be {
                let s = if prev == "as" { i - 1 } else { i };
                let e = if with_prep {
                    let j = i + 2;
                    if frequency_adverb(next) || matches!(next, "regularly") {
                        i + 2
                    } else if matches!(next, "each" | "every") {
                        // "reviewed each week"
                        i + 3
                    } else {
                        self.noun_phrase(j).max(j)
                    }
                } else {
                    i + 1
                };
                return Some((s, e));
            }
            return None;
        }
        if w == "according" && next == "to" {
            return Some((i, self.noun_phrase(i + 2).max(i + 2)));
        }
        // self-report: "self-report", "reports feeling safer"
        if w == "self" && lemma(next, |b| b == "report" || b == "rating").is_some() {
            return Some((i, i + 2));
        }
        if matches!(w, "reports" | "report" | "reporting")
            && !is_determiner(prev)
            && !record_modifier(prev)
            && matches!(
                next,
                "feeling"
                    | "feelings"
                    | "that"
                    | "being"
                    | "fewer"
                    | "less"
                    | "no"
                    | "improved"
                    | "sleeping"
                    | "she"
                    | "he"
                    | "they"
                    | "her"
                    | "his"
                    | "their"
                    | "a"
            )
        {
            return Some((i, i + 2));
        }
        // "on the weekly review", "at each keywork session"
        if matches!(w, "on" | "at" | "in")
            && let Some(e) = self.review_phrase(i + 1)
        {
            return Some((i, e));
        }
        // record nouns: "the attendance register", "sleep diary", "rent account"
        let needs_mod = record_noun_needs_modifier(w);
        if record_noun(w) || needs_mod {
            if w == "account" && prev != "rent" {
                return None;
            }
            if matches!(w, "review" | "reviews" | "book" | "check" | "checks" | "star")
                && !matches!(
                    prev,
                    "weekly"
                        | "monthly"
                        | "termly"
                        | "keywork"
                        | "regular"
                        | "fortnightly"
                        | "daily"
                        | "outcomes"
                        | "wellbeing"
                        | "recovery"
                        | "reading"
                        | "contact"
                        | "home"
                        | "communication"
                )
            {
                return None;
            }
            if needs_mod && !record_noun(w) && (!record_modifier(prev) || self.free(i - 1) != prev) {
                return None;
            }
            if matches!(w, "register" | "registers") && !record_modifier(prev) {
                return None;
            }
            // walk back over modifiers
            let mut s = i;
            while s > 0 && s + 3 > i && self.used[s - 1] == Use::Free && record_modifier(self.w(s - 1)) {
                s -= 1;
            }
            if s > 0
                && self.used[s - 1] == Use::Free
                && matches!(self.w(s - 1), "on" | "in" | "using" | "via" | "from" | "through")
            {
                s -= 1;
            }
            let mut e = i + 1;
            // "scale of 1-10", "rent account shows"
            if self.w(e) == "of" && self.is_number(e + 1) {
                e += 2;
                while matches!(self.w(e), "to" | "-") && self.is_number(e + 1) {
                    e += 2;
                }
            }
            if matches!(self.free(e), "shows" | "show" | "showing") {
                e += 1;
            }
            return Some((s, e));
        }
        None
    }

    /// "the weekly review", "each keywork session", "her monthly tenancy check".
    pub(super) fn review_phrase(&self, j: usize) -> Option<usize> {
        let mut k = j;
        let mut regular = false;
        while k < self.toks.len() && k < j + 4 {
            let w = self.free(k);
            match w {
                "the" | "her" | "his" | "their" | "a" | "an" => {}
                "weekly" | "monthly" | "termly" | "fortnightly" | "daily" | "each" | "every" | "regular"
                | "keywork" | "keyworker" | "key" | "support" | "tenancy" | "progress" | "mentoring" | "therapy"
                | "counselling" | "supervision" => regular = true,
                "review" | "reviews" | "check" | "checks" | "meeting" | "meetings" | "session" | "sessions"
                | "visit" | "visits" | "supervisions" | "appointment" | "appointments" => {
                    return (regular
                        && (!matches!(w, "session" | "sessions" | "appointment" | "appointments")
                            || matches!(self.w(k - 1), "keywork" | "review" | "progress")))
                    .then_some(k + 1);
                }
                _ => return None,
            }
            k += 1;
        }
        None
    }

    /// Self-rating ("rates her anxiety", "scores her mood"): a means of
    /// measuring that is also the action, so it is not claimed.
    pub(super) fn self_rating(&self) -> Option<(usize, usize)> {
        (0..self.toks.len()).find_map(|i| {
            let w = self.free(i);
            lemma(w, |b| matches!(b, "rate" | "score"))?;
            let mut k = i + 1;
            if matches!(self.w(k), "her" | "his" | "their" | "my" | "own") {
                k += 1;
            }
            matches!(
                self.w(k),
                "mood"
                    | "anxiety"
                    | "confidence"
                    | "wellbeing"
                    | "pain"
                    | "sleep"
                    | "feelings"
                    | "worry"
                    | "worries"
                    | "stress"
                    | "self"
                    | "happiness"
                    | "safety"
                    | "anger"
                    | "energy"
                    | "fatigue"
                    | "low"
            )
            .then_some((i, k + 1))
        })
    }

    pub(super) fn find_evidence(&mut self) -> Vec<Found> {
        let mut spans = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            if let Some((s, e)) = self.evidence_at(i) {
                let e = e.max(i + 1);
                self.mark(s, e, Use::Evidence);
                spans.push(Found { start: s, end: e });
                i = e;
            } else {
                i += 1;
            }
        }
        if let Some((s, e)) = self.self_rating() {
            spans.push(Found { start: s, end: e });
        }
        spans.sort_by_key(|f| f.start);
        spans
    }

    // -----------------------------------------------------------------------
    // Measurable
    // -----------------------------------------------------------------------

    /// A clock time at `i` ("10pm", "10:30", "9 am", "midnight").
    pub(super) fn clock_at(&self, i: usize) -> Option<usize> {
        match self.num_kind_at(i) {
            Some(NumKind::Clock) => Some(i + 1),
            Some(NumKind::Plain) if matches!(self.w(i + 1), "am" | "pm" | "o'clock") => Some(i + 2),
            Some(NumKind::Plain) if self.w(i + 1) == "o" && self.w(i + 2).starts_with("clock") => Some(i + 3),
            _ if matches!(self.w(i), "midnight" | "noon" | "midday") => Some(i + 1),
            _ => None,
        }
    }

    /// "two-step": a number joined by a hyphen to the next word.
    pub(super) fn hyphen_joined(&self, i: usize) -> bool {
        match (self.toks.get(i), self.toks.get(i + 1)) {
            (Some(a), Some(b)) if a.end < b.start => {
                let mut between = self.text[a.end..b.start].chars().map(norm_char);
                between.next() == Some('-') && between.next().is_none()
            }
            _ => false,
        }
    }

    /// Is the number at `i` an amount (not a label such as "year 4")?
    pub(super) fn quantity_at(&self, i: usize) -> bool {
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

    pub(super) fn extend_left(&self, s: usize) -> usize {
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

    pub(super) fn extend_right(&self, e: usize) -> usize {
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
    pub(super) fn measure_at(&self, i: usize) -> Option<(usize, usize)> {
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

    pub(super) fn find_measures(&mut self) -> Vec<Found> {
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

    // -----------------------------------------------------------------------
    // Specific
    // -----------------------------------------------------------------------

    pub(super) fn available(&self, i: usize) -> &str {
        match self.used.get(i) {
            Some(Use::Free | Use::Measure) => self.w(i),
            _ => "",
        }
    }

    /// An observable action at `i`: returns the end of the quoted phrase.
    pub(super) fn action_at(&self, i: usize) -> Option<(usize, String)> {
        let w = self.available(i);
        if w.is_empty() || self.kind(i) != Some(Kind::Word) {
            return None;
        }
        if matches!(w, "referral" | "referrals") {
            return Some((i + 1, "refer".to_string()));
        }
        let base = lemma(w, action_verb)?;
        let verb_is_measure = self.used[i] == Use::Measure;
        let prev = self.back(i, 1);
        let next = self.w(i + 1);
        let next2 = self.w(i + 2);
        let inflected_ing = w.ends_with("ing") && !base.ends_with("ing");
        let is_s_form = w.ends_with('s') && !base.ends_with('s');
        // a verb after a determiner or possessive is a noun ("his reading")
        if is_determiner(prev)
            || prev.ends_with("'s")
            || noun_modifier(prev)
            || lemma(prev, vague_verb).is_some_and(|v| v != "be" && v != "get" && v != "learn")
        {
            return None;
        }
        if prev == "her" && (inflected_ing || is_s_form || next == "of") {
            return None;
        }
        // "improve her sleep", "support their learning"
        if matches!(prev, "her" | "him" | "them")
            && lemma(self.back(i, 2), vague_verb).is_some_and(|v| v != "help" && v != "be")
        {
            return None;
        }
        if inflected_ing
            && matches!(
                next,
                "skills"
                    | "skill"
                    | "ability"
                    | "abilities"
                    | "age"
                    | "level"
                    | "levels"
                    | "confidence"
                    | "habits"
                    | "book"
                    | "books"
                    | "group"
                    | "club"
                    | "programme"
                    | "time"
                    | "record"
                    | "diary"
                    | "log"
                    | "list"
            )
        {
            return None;
        }
        if matches!(next, "of") && !matches!(base.as_str(), "take" | "think" | "look") {
            // "use of", "record of"
            if is_s_form || inflected_ing || base == w {
                return None;
            }
        }
        // the object, skipping a determiner
        let obj = if matches!(
            next,
            "a" | "an" | "the" | "his" | "her" | "their" | "my" | "your" | "our" | "more" | "some" | "own" | "to"
        ) {
            next2
        } else {
            next
        };
        if vague_object(&base, next) || vague_object(&base, obj) {
            return None;
        }
        let ok = if phrase_only_verb(&base) {
            match base.as_str() {
                "get" => {
                    matches!(next, "up" | "dressed" | "to" | "out" | "washed" | "ready" | "changed")
                        && !(next == "to" && matches!(next2, "know" | "grips"))
                }
                "be" => {
                    (matches!(next, "on" | "ready" | "dressed" | "present" | "home" | "back" | "up")
                        && (next != "on" || next2 == "time"))
                        || (matches!(next, "in" | "at")
                            && matches!(next2, "bed" | "school" | "class" | "college" | "work"))
                }
                "turn" => matches!(next, "up" | "off"),
                // "have a 1:1 session", "have a blood test", "have breakfast"
                "have" => (i + 1..(i + 5).min(self.toks.len())).any(|k| {
                    matches!(
                        self.w(k),
                        "session"
                            | "sessions"
                            | "meeting"
                            | "meetings"
                            | "appointment"
                            | "appointments"
                            | "test"
                            | "check"
                            | "review"
                            | "conversation"
                            | "shower"
                            | "bath"
                            | "breakfast"
                            | "lunch"
                            | "dinner"
                            | "meal"
                            | "meals"
                            | "call"
                            | "visit"
                            | "injection"
                            | "vaccination"
                            | "scan"
                    )
                }),
                "hand" => matches!(next, "in" | "over"),
                "learn" => next == "to" && lemma(next2, action_verb).is_some_and(|b| !phrase_only_verb(&b)),
                "try" | "attempt" => {
                    matches!(next, "a" | "an" | "new" | "three" | "two")
                        || (next == "to" && lemma(next2, action_verb).is_some_and(|b| !phrase_only_verb(&b)))
                }
                "keep" | "sustain" | "maintain" => (i.saturating_sub(2)..(i + 4).min(self.toks.len())).any(|k| {
                    matches!(
                        self.w(k),
                        "tenancy"
                            | "flat"
                            | "home"
                            | "job"
                            | "placement"
                            | "appointments"
                            | "appointment"
                            | "room"
                            | "accommodation"
                            | "diary"
                            | "log"
                            | "budget"
                            | "conversation"
                            | "apprenticeship"
                            | "college"
                            | "school"
                            | "bedroom"
                            | "kitchen"
                            | "record"
                            | "contact"
                            | "attendance"
                            | "place"
                            | "caravan"
                            | "house"
                            | "property"
                    )
                }),
                "show" => {
                    matches!(next, "staff" | "his" | "her" | "their" | "a" | "an" | "the")
                        && !matches!(obj, "confidence" | "improvement" | "progress" | "interest")
                }
                "log" => matches!(next, "in" | "on" | "his" | "her" | "their" | "each" | "every"),
                "give" | "send" | "teach" | "explain" | "describe" | "discuss" => {
                    !obj.is_empty() && !vague_object("give", obj) && !stop_word(obj)
                        || matches!(next, "staff" | "his" | "her" | "their" | "the")
                }
                "list" | "note" | "plan" => matches!(
                    next,
                    "his" | "her" | "their" | "the" | "what" | "how" | "three" | "two" | "a"
                ),
                _ => false,
            }
        } else {
            true
        };
        if !ok {
            return None;
        }
        // quote the verb and a few following words: "pay his rent", "ask for
        // help", "move into her own flat", "set up a direct debit"
        let mut e = i + 1;
        while e < self.toks.len() && e < i + 6 {
            let n = self.available(e);
            let first = e == i + 1;
            let particle = matches!(n, "up" | "in" | "out" | "on" | "to" | "into" | "off" | "away") && first;
            let for_help = n == "for" && matches!(self.available(e + 1), "help" | "support");
            let det = matches!(n, "the" | "a" | "an" | "his" | "her" | "their" | "my" | "your" | "own");
            if n.is_empty()
                || (self.used[e] == Use::Measure && !verb_is_measure)
                || self.is_number(e)
                || frequency_adverb(n)
                || vague_quantity(n)
                || !(particle || for_help || det || !stop_word(n))
            {
                break;
            }
            e += if for_help { 2 } else { 1 };
        }
        while e > i + 1
            && matches!(
                self.w(e - 1),
                "the" | "a" | "an" | "his" | "her" | "their" | "my" | "your" | "own" | "to" | "into" | "on" | "for"
            )
        {
            e -= 1;
        }
        Some((e, base))
    }

    pub(super) fn find_action(&self) -> Option<(Found, String)> {
        (0..self.toks.len()).find_map(|i| self.action_at(i).map(|(e, b)| (Found { start: i, end: e }, b)))
    }

    pub(super) fn find_observable_noun(&self) -> Option<Found> {
        (0..self.toks.len()).find_map(|i| {
            let w = match self.used[i] {
                Use::Free | Use::Measure => self.w(i),
                _ => "",
            };
            if !observable_noun(w) {
                return None;
            }
            let mut s = i;
            if s > 0
                && matches!(
                    self.w(s - 1),
                    "school"
                        | "rent"
                        | "self"
                        | "unauthorised"
                        | "unauthorized"
                        | "missed"
                        | "reading"
                        | "spelling"
                        | "college"
                        | "therapy"
                        | "gp"
                        | "health"
                        | "medication"
                )
            {
                s -= 1;
            }
            if (w == "harm" || w == "age") && s == i {
                return None;
            }
            let e = if observable_noun(self.w(i + 1)) { i + 2 } else { i + 1 };
            Some(Found { start: s, end: e })
        })
    }

    pub(super) fn first_vague_verb(&self) -> Option<String> {
        (0..self.toks.len()).find_map(|i| {
            let w = self.available(i);
            if w.is_empty() {
                return None;
            }
            // a generic verb with a vague object: "make progress", "provide access"
            if let Some(base) = lemma(w, action_verb) {
                let next = self.w(i + 1);
                if vague_object(&base, next) {
                    return Some(self.quote(i, i + 2));
                }
                if matches!(next, "a" | "an" | "the" | "his" | "her" | "their" | "more" | "some")
                    && vague_object(&base, self.w(i + 2))
                {
                    return Some(self.quote(i, i + 3));
                }
            }
            let base = lemma(w, vague_verb)?;
            match base.as_str() {
                "be" | "get" | "become" => {
                    let n = self.w(i + 1);
                    let comparative = n.ends_with("er")
                        || matches!(
                            n,
                            "more"
                                | "less"
                                | "better"
                                | "confident"
                                | "independent"
                                | "aware"
                                | "able"
                                | "happy"
                                | "safe"
                                | "calm"
                                | "resilient"
                                | "positive"
                        );
                    if !comparative {
                        return None;
                    }
                    let mut e = i + 2;
                    if matches!(self.w(e), "at" | "to") || n == "more" || n == "less" {
                        e += 1;
                    }
                    Some(self.quote(i, e.min(self.toks.len())))
                }
                "work" => matches!(self.w(i + 1), "on" | "towards" | "toward").then(|| self.quote(i, i + 2)),
                _ => Some(self.quote(i, i + 1)),
            }
        })
    }

    pub(super) fn first_word_where(&self, f: fn(&str) -> bool) -> Option<String> {
        (0..self.toks.len()).find_map(|i| {
            let w = match self.used[i] {
                Use::Free => self.w(i),
                _ => "",
            };
            f(w).then(|| self.quote(i, i + 1))
        })
    }

    pub(super) fn vague_time_phrase(&self) -> Option<String> {
        if let Some(q) = self.first_word_where(vague_time) {
            return Some(q);
        }
        (0..self.toks.len()).find_map(|i| {
            let (a, b, c) = (self.w(i), self.w(i + 1), self.w(i + 2));
            let hit = match (a, b, c) {
                ("over", "time", _) => Some(2),
                ("in", "the", "future") => Some(3),
                ("in", "due", "course") => Some(3),
                ("as", "soon", _) => Some(2),
                ("long", "term", _) => Some(2),
                ("going", "forward", _) => Some(2),
                ("when", "ready", _) => Some(2),
                ("at", "some", "point") => Some(3),
                ("one", "day", _) => Some(2),
                _ => None,
            };
            hit.map(|n| self.quote(i, i + n))
        })
    }

    // -----------------------------------------------------------------------
    // The report
    // -----------------------------------------------------------------------

    pub(super) fn report(mut self) -> SmartReport {
        let (time, sustained, complete) = self.find_time();
        let explicit = self.find_evidence();
        let mut measures = self.find_measures();
        let action_with_base = self.find_action();
        let action_base = action_with_base.as_ref().map(|(_, b)| b.clone());
        let action = action_with_base.map(|(f, _)| f);
        let noun = if action.is_none() {
            self.find_observable_noun()
        } else {
            None
        };

        // keeping something up for a set time is itself the measure
        let keeping = (0..self.toks.len()).any(|i| {
            lemma(self.w(i), |b| {
                matches!(b, "keep" | "sustain" | "maintain" | "stay" | "remain" | "hold" | "live")
            })
            .is_some()
        });
        let mut measure_note = None;
        if let Some(c) = complete {
            measure_note = Some("a complete stretch of time");
            measures.push(c);
        } else if let (Some(s), true) = (sustained, keeping) {
            measure_note = Some("kept up for a set length of time");
            measures.push(s);
        } else if measures.is_empty()
            && let (Some(a), Some(base)) = (&action, action_base.as_deref())
        {
            // a one-off task is done or not done; stopping means none at all
            let phrase = self.quote(a.start, a.end).to_lowercase();
            if one_off_task(base, self.w(a.start + 1), &phrase) {
                measure_note = Some("a one-off task: done or not done");
                measures.push(Found {
                    start: a.start,
                    end: a.end,
                });
            } else if matches!(base, "stop" | "quit") {
                measure_note = Some("stopping means none at all");
                measures.push(Found {
                    start: a.start,
                    end: a.end,
                });
            }
        }
        measures.sort_by_key(|f| f.start);

        let quotes = |spans: &[Found]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for f in spans {
                let q = self.quote(f.start, f.end);
                if !q.is_empty() && !out.contains(&q) && out.len() < 3 {
                    out.push(q);
                }
            }
            out
        };
        let join = |qs: &[String]| qs.iter().map(|q| format!("\"{q}\"")).collect::<Vec<_>>().join(", ");

        let mut criteria = Vec::with_capacity(4);

        // Specific
        let measurable = !measures.is_empty();
        let specific_quote = action
            .as_ref()
            .map(|f| self.quote(f.start, f.end))
            .or_else(|| noun.as_ref().filter(|_| measurable).map(|f| self.quote(f.start, f.end)));
        let specific = match (&action, &specific_quote) {
            (Some(_), Some(q)) => Criterion {
                key: CriterionKey::Specific,
                met: true,
                evidence: Some(q.clone()),
                explanation: format!("Action: \"{q}\"."),
            },
            (None, Some(q)) => Criterion {
                key: CriterionKey::Specific,
                met: true,
                evidence: Some(q.clone()),
                explanation: format!("What will change: \"{q}\", which can be counted."),
            },
            _ => {
                let explanation = match self.first_vague_verb() {
                    Some(v) => format!(
                        "What will be done: \"{v}\" does not say what the person will actually \
                         do; {ASK_SPECIFIC}"
                    ),
                    None => format!("What will be done: {ASK_SPECIFIC}"),
                };
                Criterion {
                    key: CriterionKey::Specific,
                    met: false,
                    evidence: None,
                    explanation,
                }
            }
        };
        criteria.push(specific);

        // Measurable
        let mq = quotes(&measures);
        let measurable_c = if mq.is_empty() {
            let explanation = match self.first_word_where(vague_quantity).or_else(|| {
                (0..self.toks.len()).find_map(|i| {
                    (self.w(i) == "most" && matches!(self.w(i + 1), "days" | "weeks" | "of"))
                        .then(|| self.quote(i, i + 2))
                })
            }) {
                Some(v) => {
                    format!("How much or how often: \"{v}\" is not an amount; {ASK_MEASURABLE}")
                }
                None => format!("How much or how often: {ASK_MEASURABLE}"),
            };
            Criterion {
                key: CriterionKey::Measurable,
                met: false,
                evidence: None,
                explanation,
            }
        } else {
            let note = measure_note.map(|n| format!(" ({n})")).unwrap_or_default();
            Criterion {
                key: CriterionKey::Measurable,
                met: true,
                evidence: Some(mq.join("; ")),
                explanation: format!("Measurable amount: {}{note}.", join(&mq)),
            }
        };
        criteria.push(measurable_c);

        // Evidence
        let eq = quotes(&explicit);
        let observable = specific_quote.is_some() && measurable;
        let evidence_c = if !eq.is_empty() {
            Criterion {
                key: CriterionKey::Evidence,
                met: true,
                evidence: Some(eq.join("; ")),
                explanation: format!("How progress will be known: {}.", join(&eq)),
            }
        } else if observable {
            let what = specific_quote.clone().unwrap_or_default();
            let amount = mq.first().cloned().unwrap_or_default();
            if what.contains(&amount) || amount.contains(&what) {
                // the amount is the action itself (a one-off task, stopping)
                Criterion {
                    key: CriterionKey::Evidence,
                    met: true,
                    evidence: Some(amount.clone()),
                    explanation: format!(
                        "How progress will be known: whether \"{amount}\" has happened can be \
                         checked directly (naming who will confirm it, or the record, would make \
                         it firmer)."
                    ),
                }
            } else {
                Criterion {
                    key: CriterionKey::Evidence,
                    met: true,
                    evidence: Some(format!("{what}; {amount}")),
                    explanation: format!(
                        "How progress will be known: \"{what}\" can be seen and counted, so \
                         \"{amount}\" can be checked directly (naming the record, e.g. a \
                         register or log, would make it firmer)."
                    ),
                }
            }
        } else {
            let explanation = if measurable {
                format!(
                    "How progress will be measured: {} is not something that can be seen \
                     directly; {ASK_EVIDENCE}",
                    join(&mq[..mq.len().min(1)])
                )
            } else {
                format!("How progress will be measured: {ASK_EVIDENCE}")
            };
            Criterion {
                key: CriterionKey::Evidence,
                met: false,
                evidence: None,
                explanation,
            }
        };
        criteria.push(evidence_c);

        // Time-bound
        let tq = quotes(&time);
        let time_c = if tq.is_empty() {
            let explanation = match self.vague_time_phrase() {
                Some(v) => format!("By when: \"{v}\" is not a time frame; {ASK_TIME}"),
                None => format!("By when: {ASK_TIME}"),
            };
            Criterion {
                key: CriterionKey::TimeBound,
                met: false,
                evidence: None,
                explanation,
            }
        } else {
            Criterion {
                key: CriterionKey::TimeBound,
                met: true,
                evidence: Some(tq.join("; ")),
                explanation: format!("Time frame: {}.", join(&tq)),
            }
        };
        criteria.push(time_c);

        let missing: Vec<String> = criteria
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.explanation.clone())
            .collect();
        let found: Vec<String> = criteria
            .iter()
            .filter(|c| c.met)
            .map(|c| c.explanation.clone())
            .collect();
        SmartReport {
            smart: missing.is_empty(),
            missing,
            found,
            criteria,
        }
    }
}
