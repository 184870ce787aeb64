//! The SMART reader, evidence: how progress will be measured or observed.

use super::*;

impl Reader<'_> {
    // -----------------------------------------------------------------------
    // Evidence
    // -----------------------------------------------------------------------

    /// Extend a noun phrase to the right from `j` (up to 6 words).
    pub(in crate::checks::smart) fn noun_phrase(&self, j: usize) -> usize {
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

    pub(in crate::checks::smart) fn evidence_at(&self, i: usize) -> Option<(usize, usize)> {
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
    pub(in crate::checks::smart) fn review_phrase(&self, j: usize) -> Option<usize> {
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
    pub(in crate::checks::smart) fn self_rating(&self) -> Option<(usize, usize)> {
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

    pub(in crate::checks::smart) fn find_evidence(&mut self) -> Vec<Found> {
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
}
