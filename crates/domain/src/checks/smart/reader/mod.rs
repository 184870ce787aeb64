//! The SMART check's reader: walks the tokens and finds each criterion.
//! Each criterion's reading is a file of its own: `time.rs` (by when),
//! `evidence.rs` (how it will be measured), `measurable.rs` (how much or
//! how often), `specific.rs` (what will be done); the report is here.

mod evidence;
mod measurable;
mod specific;
mod time;

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
}

impl Reader<'_> {
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
