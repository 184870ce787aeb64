//! The SMART reader, specific: the action, observable nouns, vague words.

use super::*;

impl Reader<'_> {
    // -----------------------------------------------------------------------
    // Specific
    // -----------------------------------------------------------------------

    pub(in crate::checks::smart) fn available(&self, i: usize) -> &str {
        match self.used.get(i) {
            Some(Use::Free | Use::Measure) => self.w(i),
            _ => "",
        }
    }

    /// An observable action at `i`: returns the end of the quoted phrase.
    pub(in crate::checks::smart) fn action_at(&self, i: usize) -> Option<(usize, String)> {
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

    pub(in crate::checks::smart) fn find_action(&self) -> Option<(Found, String)> {
        (0..self.toks.len()).find_map(|i| self.action_at(i).map(|(e, b)| (Found { start: i, end: e }, b)))
    }

    pub(in crate::checks::smart) fn find_observable_noun(&self) -> Option<Found> {
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

    pub(in crate::checks::smart) fn first_vague_verb(&self) -> Option<String> {
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

    pub(in crate::checks::smart) fn first_word_where(&self, f: fn(&str) -> bool) -> Option<String> {
        (0..self.toks.len()).find_map(|i| {
            let w = match self.used[i] {
                Use::Free => self.w(i),
                _ => "",
            };
            f(w).then(|| self.quote(i, i + 1))
        })
    }

    pub(in crate::checks::smart) fn vague_time_phrase(&self) -> Option<String> {
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
}
