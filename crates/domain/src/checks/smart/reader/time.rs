//! The SMART reader, time: by when, how often, for how long.

use super::*;

impl Reader<'_> {
    // -----------------------------------------------------------------------
    // Time
    // -----------------------------------------------------------------------

    /// A run of time words from `j`: returns the end of the run if it names
    /// a point or period, with what it contains.
    pub(in crate::checks::smart) fn time_run(&self, j: usize) -> Option<(usize, TimeFlags, bool)> {
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
    pub(in crate::checks::smart) fn frequency_tail(&self, i: usize) -> bool {
        matches!(self.w(i), "a" | "an" | "per" | "each" | "every" | "/")
            && (long_period(self.w(i + 1)) || matches!(self.w(i + 1), "day" | "night" | "school" | "other"))
    }

    /// "before she moves on", "until he leaves school".
    pub(in crate::checks::smart) fn transition(&self, i: usize) -> Option<usize> {
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
    pub(in crate::checks::smart) fn time_at(&self, i: usize) -> Option<(usize, TimeFlags)> {
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
    pub(in crate::checks::smart) fn date_at(&self, i: usize) -> Option<(usize, usize)> {
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

    pub(in crate::checks::smart) fn find_time(&mut self) -> (Vec<Found>, Option<Found>, Option<Found>) {
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
}
