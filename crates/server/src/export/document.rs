//! The printed plan's document model (issue 13, SPEC D1), built from the
//! plan, the form it is printed on, its agreements and reviews. The
//! sections are the plan page's own views ([`section_views`]), so the page
//! and the print say the same; what differs between plan types (title,
//! which parts print as tables, colours, the footer) is the plan type's
//! `[print]` table, never a match on the type.

use goldthread_documents::model::{
    Block, Column, Document, Item, Marks, Pair, Picture, ReviewRecord, Row, Section, Signature, Style, Table,
};
use goldthread_domain::agreement::{self, Capacity, PartyStanding, Response};
use goldthread_domain::checks::{golden_thread, picture};
use goldthread_domain::person::Person;
use goldthread_domain::plan::{Plan, format_date};
use goldthread_domain::plan_type::{PlanType, PrintTable, SectionKind};
use goldthread_domain::review::{Review, ReviewKind, VIEWS_QUESTIONS};
use time::Date;
use uuid::Uuid;

use crate::web::pages::sections::{Body, ProvisionView, SectionView, section_views};

/// What a printed plan is made from.
pub struct Sources<'a> {
    pub plan: &'a Plan,
    pub person: &'a Person,
    /// The plan's own type (its review questions and ratings).
    pub own: Option<&'a PlanType>,
    /// The form it is printed on: its own type's, or another's.
    pub form: &'a PlanType,
    /// The day it is printed.
    pub today: Date,
}

/// The plan as printed on `sources.form`.
pub fn build(sources: &Sources) -> Document {
    let Sources {
        plan,
        person,
        own,
        form,
        today,
    } = *sources;
    let print = &form.print;
    let mut sections: Vec<Section> = section_views(plan, form, person)
        .into_iter()
        .zip(&form.sections)
        .map(|(view, section)| {
            let mut blocks = blocks_of(plan, form, &view);
            match section.kind {
                SectionKind::Reviews => blocks.extend(reviews(plan, own)),
                SectionKind::Agreement => blocks.extend(signatures(plan)),
                _ => {}
            }
            Section {
                heading: view.heading,
                subheading: view.subheading,
                blocks,
            }
        })
        .collect();
    let has = |kind: SectionKind| form.sections.iter().any(|s| s.kind == kind);
    if !has(SectionKind::Reviews) && !plan.reviews.reviews.is_empty() {
        sections.push(Section {
            heading: Some("Reviews".into()),
            subheading: None,
            blocks: reviews(plan, own),
        });
    }
    if !has(SectionKind::Parties) {
        sections.push(Section {
            heading: Some("People involved".into()),
            subheading: None,
            blocks: vec![parties(plan)],
        });
    }
    if print.golden_thread {
        let thread = golden_thread::check(plan, Some(form));
        let mut alt = thread.summary.clone();
        for gap in &thread.gaps {
            alt.push('\n');
            alt.push_str(&gap.message);
        }
        sections.push(Section {
            heading: Some("The golden thread".into()),
            subheading: None,
            blocks: vec![Block::Picture(Picture {
                svg: picture::golden_thread_svg(&thread, &picture::PictureLabels::for_plan_type(Some(form))),
                alt,
            })],
        });
    }
    if !has(SectionKind::Agreement) {
        let mut blocks = Vec::new();
        if let Some(statement) = agreement::statement_of(Some(form)) {
            blocks.push(Block::Paragraph {
                label: None,
                text: statement.to_owned(),
            });
        }
        blocks.extend(signatures(plan));
        sections.push(Section {
            heading: Some("Agreement".into()),
            subheading: None,
            blocks,
        });
    }
    let title = print.title.clone().unwrap_or_else(|| form.short_name.clone());
    let mut facts = vec![
        Pair::new("Status", plan.status.label()),
        Pair::new("Start date", date(plan.details.start_date)),
    ];
    if let Some(due) = own.and_then(|t| plan.details.first_review_due(t.reviews.formal_interval_weeks)) {
        facts.push(Pair::new("First formal review due", format_date(due)));
    }
    if let Some(lead) = plan.lead_party() {
        facts.push(Pair::new("Lead Professional", lead.name.clone()));
    }
    facts.push(Pair::new(
        "Version",
        format!("{} (printed {})", plan.version, format_date(today)),
    ));
    let mut notes = Vec::new();
    if form.id != plan.plan_type {
        let own_name = own.map_or(plan.plan_type.as_str(), |t| t.name.as_str());
        let gaps = goldthread_domain::transfer::gaps(plan, form);
        let mut note = format!("This plan ({own_name}) is printed on the {} form.", form.name);
        if gaps.is_empty() {
            note.push_str(" The plan says everything the form asks for.");
        } else {
            note.push_str(" What the form asks for that the plan does not say yet:");
            for gap in gaps {
                note.push_str(&format!(
                    "\n{}: {}{}",
                    gap.heading,
                    gap.label,
                    if gap.required { " (required)" } else { "" }
                ));
            }
        }
        notes.push(note);
    }
    Document {
        plan_title: (plan.details.title != title).then(|| plan.details.title.clone()),
        title,
        form: form.name.clone(),
        person: person.details.full_name(),
        plan_number: format!("Plan number {}", plan.number),
        facts,
        notes,
        sections,
        confidentiality: print.confidentiality().to_owned(),
        style: Style {
            accent: print.accent.clone(),
        },
    }
}

fn date(value: Option<Date>) -> String {
    value.map(format_date).unwrap_or_default()
}

fn marks(plan: &Plan, id: Uuid) -> Marks {
    Marks {
        added: plan.reviews.added_words(id),
        ended: plan.reviews.ended_words(id),
    }
}

fn item(plan: &Plan, id: Uuid, text: &str, detail: &str) -> Item {
    Item {
        text: text.to_owned(),
        detail: (!detail.is_empty()).then(|| detail.to_owned()),
        marks: marks(plan, id),
    }
}

fn blocks_of(plan: &Plan, form: &PlanType, view: &SectionView) -> Vec<Block> {
    let print = &form.print;
    let mut blocks = Vec::new();
    match &view.body {
        Body::Person(rows) => blocks.push(Block::Fields { rows: pairs(rows) }),
        Body::Texts { prompts, authorship } => {
            blocks.extend(prompts.iter().map(|(label, text)| Block::Paragraph {
                label: Some(label.clone()),
                text: text.clone(),
            }));
            if let Some(by) = authorship {
                blocks.push(Block::Note { text: by.clone() });
            }
        }
        Body::Strengths(groups) | Body::Needs(groups) | Body::Aspirations(groups) | Body::Appendices(groups) => blocks
            .extend(groups.iter().map(|g| {
                Block::List {
                    label: Some(g.label.clone()),
                    items: g
                        .rows
                        .iter()
                        .map(|r| {
                            let detail = match &r.link {
                                Some((_, name)) if r.detail.is_empty() => name.clone(),
                                Some((_, name)) => format!("{}, {name}", r.detail),
                                None => r.detail.clone(),
                            };
                            item(plan, r.id, &r.text, &detail)
                        })
                        .collect(),
                }
            })),
        Body::Outcomes {
            outcomes,
            text_label,
            measure_label,
            ..
        } => {
            if print.table(PrintTable::Outcomes) {
                blocks.push(Block::Table(Table {
                    caption: Some(view.name.clone()),
                    columns: vec![
                        Column::new("No.", 0.0),
                        Column::new(text_label.clone(), 3.0),
                        Column::new("Areas of need", 1.3),
                        Column::new("By when", 1.1),
                        Column::new(measure_label.clone(), 1.6),
                    ],
                    rows: outcomes
                        .iter()
                        .map(|o| Row {
                            cells: vec![
                                o.number.to_string(),
                                o.text.clone(),
                                o.areas.clone(),
                                o.when.clone(),
                                o.measure.clone().unwrap_or_default(),
                            ],
                            marks: marks(plan, o.id),
                        })
                        .collect(),
                    footer: None,
                }));
            } else {
                blocks.push(Block::List {
                    label: Some(view.name.clone()),
                    items: outcomes
                        .iter()
                        .map(|o| {
                            let mut text = format!("{}. {}", o.number, o.text);
                            if let Some(measure) = &o.measure {
                                text.push_str(&format!("\n{measure_label}: {measure}"));
                            }
                            item(plan, o.id, &text, &o.when)
                        })
                        .collect(),
                });
            }
            let steps: Vec<(usize, Uuid, String, String)> = outcomes
                .iter()
                .flat_map(|o| {
                    o.steps.iter().flat_map(move |s| {
                        std::iter::once((o.number, s.id, format!("Step: {}", s.text), String::new())).chain(
                            s.targets
                                .iter()
                                .map(move |t| (o.number, t.id, format!("Target: {}", t.text), t.by_when.clone())),
                        )
                    })
                })
                .collect();
            if steps.is_empty() {
            } else if print.table(PrintTable::Steps) {
                blocks.push(Block::Table(Table {
                    caption: Some("Steps and short-term targets".into()),
                    columns: vec![
                        Column::new("Outcome", 0.0),
                        Column::new("Step or target", 4.0),
                        Column::new("By when", 1.2),
                    ],
                    rows: steps
                        .into_iter()
                        .map(|(number, id, text, by_when)| Row {
                            cells: vec![number.to_string(), text, by_when],
                            marks: marks(plan, id),
                        })
                        .collect(),
                    footer: None,
                }));
            } else {
                blocks.push(Block::List {
                    label: Some("Steps and short-term targets".into()),
                    items: steps
                        .into_iter()
                        .map(|(number, id, text, by_when)| {
                            let by = if by_when.is_empty() {
                                String::new()
                            } else {
                                format!("by {by_when}")
                            };
                            item(plan, id, &format!("Outcome {number} – {text}"), &by)
                        })
                        .collect(),
                });
            }
        }
        Body::Provision {
            lines,
            total_cost,
            total_hours,
            labels,
        } => {
            let footer = format!("Total of the provision in place: {total_cost} a week; {total_hours} hours a week");
            let cost = |p: &ProvisionView| match (p.cost.is_empty(), p.funding.is_empty()) {
                (false, false) => format!("{} ({})", p.cost, p.funding),
                (false, true) => p.cost.clone(),
                (true, false) => p.funding.clone(),
                (true, true) => String::new(),
            };
            let what = |p: &ProvisionView| {
                if p.dates.is_empty() {
                    p.what.clone()
                } else {
                    format!("{}\n{}", p.what, p.dates)
                }
            };
            let ended = |p: &ProvisionView| Marks {
                added: plan.reviews.added_words(p.id),
                ended: p.ended.clone(),
            };
            if print.table(PrintTable::Provision) {
                blocks.push(Block::Table(Table {
                    caption: Some(view.name.clone()),
                    columns: vec![
                        Column::new(labels.outcomes.clone(), 0.0),
                        Column::new(labels.what.clone(), 2.6),
                        Column::new(labels.who.clone(), 1.4),
                        Column::new(labels.how_often.clone(), 1.1),
                        Column::new(labels.resources.clone(), 1.1),
                        Column::new("Cost", 1.1),
                    ],
                    rows: lines
                        .iter()
                        .map(|p| Row {
                            cells: vec![
                                p.outcomes.clone(),
                                what(p),
                                p.who.clone(),
                                p.how_often.clone(),
                                p.resources.clone(),
                                cost(p),
                            ],
                            marks: ended(p),
                        })
                        .collect(),
                    footer: Some(footer),
                }));
            } else {
                blocks.push(Block::List {
                    label: Some(view.name.clone()),
                    items: lines
                        .iter()
                        .map(|p| {
                            let detail = [p.who.clone(), p.how_often.clone(), cost(p)]
                                .into_iter()
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join(", ");
                            Item {
                                text: what(p),
                                detail: (!detail.is_empty()).then_some(detail),
                                marks: ended(p),
                            }
                        })
                        .collect(),
                });
                blocks.push(Block::Note { text: footer });
            }
        }
        Body::Risks(risks) => {
            for r in risks {
                blocks.push(Block::List {
                    label: None,
                    items: vec![item(plan, r.id, &r.risk, "")],
                });
                blocks.push(Block::Fields { rows: pairs(&r.rows) });
            }
            if risks.is_empty() {
                blocks.push(Block::Note {
                    text: "None recorded".into(),
                });
            }
        }
        Body::Budget {
            summary,
            items,
            decisions,
            set,
        } => {
            if !set {
                blocks.push(Block::Note {
                    text: "No budget recorded yet.".into(),
                });
            }
            blocks.push(Block::Fields { rows: pairs(summary) });
            blocks.push(Block::List {
                label: Some("How the budget will be used".into()),
                items: items.iter().map(|i| item(plan, i.id, &i.text, &i.detail)).collect(),
            });
            blocks.push(Block::List {
                label: Some("Who makes which decisions".into()),
                items: decisions.iter().map(|d| item(plan, d.id, &d.text, &d.detail)).collect(),
            });
        }
        Body::Record { rows, set } => {
            if *set {
                blocks.push(Block::Fields { rows: pairs(rows) });
            } else {
                blocks.push(Block::Note {
                    text: "Not filled in yet.".into(),
                });
            }
        }
        Body::Parties => blocks.push(parties(plan)),
        Body::Described(text) => blocks.push(Block::Paragraph {
            label: None,
            text: text.clone(),
        }),
    }
    blocks
}

fn pairs(rows: &[(String, String)]) -> Vec<Pair> {
    rows.iter().map(|(l, v)| Pair::new(l.clone(), v.clone())).collect()
}

/// Everyone involved, with the Lead Professional marked.
fn parties(plan: &Plan) -> Block {
    Block::Table(Table {
        caption: None,
        columns: vec![
            Column::new("Name", 1.4),
            Column::new("Role", 1.4),
            Column::new("Agency or relationship", 1.6),
        ],
        rows: plan
            .parties
            .iter()
            .map(|p| {
                let mut role = p.role.label().to_owned();
                if plan.lead_party_id == Some(p.id) {
                    role.push_str(" (Lead Professional)");
                }
                let about = [p.agency.clone(), p.relationship.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                Row {
                    cells: vec![p.name.clone(), role, about],
                    marks: Marks::default(),
                }
            })
            .collect(),
        footer: None,
    })
}

fn review_title(r: &Review) -> String {
    match (r.kind, r.number) {
        (ReviewKind::Formal, Some(n)) => format!("Formal review R{n}, {}", format_date(r.opened_on)),
        (ReviewKind::Formal, None) => format!("Formal review, {}", format_date(r.opened_on)),
        (ReviewKind::Weekly, _) => format!("Weekly support review, {}", format_date(r.opened_on)),
    }
}

/// Every review held, oldest first: who took part, the answers to the
/// type's questions and, at a formal review, each outcome's progress.
fn reviews(plan: &Plan, own: Option<&PlanType>) -> Vec<Block> {
    let rules = own.map(|t| t.reviews.clone()).unwrap_or_default();
    plan.reviews
        .reviews
        .iter()
        .map(|r| {
            let mut questions: Vec<(String, String)> = match r.kind {
                ReviewKind::Weekly => rules
                    .weekly_questions
                    .iter()
                    .map(|q| (q.key.clone(), q.label.clone()))
                    .collect(),
                ReviewKind::Formal => rules
                    .formal_questions
                    .iter()
                    .map(|q| (q.key.clone(), q.label.clone()))
                    .collect(),
            };
            if r.kind == ReviewKind::Formal {
                questions.extend(VIEWS_QUESTIONS.iter().map(|(k, l)| ((*k).to_owned(), (*l).to_owned())));
            }
            let mut facts = vec![
                Pair::new("Opened", format_date(r.opened_on)),
                Pair::new("Who took part", r.participants.join(", ")),
            ];
            facts.push(Pair::new(
                "Closed",
                r.closed_on.map_or_else(|| "Still open".to_owned(), format_date),
            ));
            let answers = questions
                .iter()
                .filter_map(|(key, label)| {
                    r.answers
                        .get(key)
                        .filter(|a| !a.trim().is_empty())
                        .map(|a| Pair::new(label.clone(), a.clone()))
                })
                .collect();
            let ratings = (r.kind == ReviewKind::Formal && !r.ratings.is_empty()).then(|| Table {
                caption: Some("Progress towards each outcome".into()),
                columns: vec![
                    Column::new("Outcome", 3.0),
                    Column::new("Progress", 1.1),
                    Column::new("Note", 2.2),
                ],
                rows: plan
                    .content
                    .outcomes
                    .iter()
                    .enumerate()
                    .filter_map(|(n, o)| {
                        let rating = r.ratings.get(&o.id)?;
                        let label = rules
                            .progress_ratings
                            .iter()
                            .find(|p| p.key == rating.rating)
                            .map_or_else(|| rating.rating.replace('_', " "), |p| p.label.clone());
                        Some(Row {
                            cells: vec![format!("{}. {}", n + 1, o.text), label, rating.note.clone()],
                            marks: Marks::default(),
                        })
                    })
                    .collect(),
                footer: None,
            });
            Block::Review(ReviewRecord {
                title: review_title(r),
                facts,
                answers,
                ratings,
            })
        })
        .collect()
}

fn capacity(c: Capacity) -> &'static str {
    match c {
        Capacity::ParentForChild => "as their parent or carer",
        Capacity::Attorney => "as their attorney (Lasting Power of Attorney)",
        Capacity::Deputy => "as their deputy (Court of Protection)",
    }
}

/// "3f2a…" in groups of sixteen, so the hash wraps and can still be read.
fn grouped(hash: &str) -> String {
    let (prefix, hex) = hash.split_once(':').unwrap_or(("", hash));
    let groups: Vec<String> = hex
        .as_bytes()
        .chunks(16)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    if prefix.is_empty() {
        groups.join(" ")
    } else {
        format!("{prefix}: {}", groups.join(" "))
    }
}

/// One signature block per party: the latest response with its details
/// (who, how, when, the version and its hash), or lines to sign on.
fn signatures(plan: &Plan) -> Vec<Block> {
    let standings = agreement::Standings::of(plan);
    plan.parties
        .iter()
        .map(|party| {
            let mut role = party.role.label().to_owned();
            if let Some(agency) = &party.agency {
                role.push_str(&format!(", {agency}"));
            }
            let status = match standings.standing(party.id) {
                PartyStanding::NotYetAgreed => "Not yet agreed".to_owned(),
                PartyStanding::Agreed { .. } => "Agreed".to_owned(),
                PartyStanding::AgreedEarlier { version, .. } => format!("Agreed version {version}, not this one"),
                PartyStanding::Declined { .. } => "Declined".to_owned(),
            };
            let mut details = Vec::new();
            if let Some(given) = agreement::latest(plan, party.id) {
                let a = &given.agreement;
                let on_behalf = match &a.response {
                    Response::Agreed {
                        typed_name,
                        on_behalf_of,
                        ..
                    } => {
                        details.push(Pair::new("Agreed as", typed_name.clone()));
                        details.push(Pair::new("How", "On screen, with their typed name"));
                        on_behalf_of.as_ref()
                    }
                    Response::Paper {
                        signed_by,
                        on_behalf_of,
                        ..
                    } => {
                        details.push(Pair::new("Signed by", signed_by.clone()));
                        details.push(Pair::new("How", "On a signed paper copy"));
                        on_behalf_of.as_ref()
                    }
                    Response::Declined { reason } => {
                        details.push(Pair::new("Reason", reason.clone()));
                        None
                    }
                };
                if let Some(o) = on_behalf {
                    details.push(Pair::new(
                        "On behalf of",
                        format!("{} {}", o.person_name, capacity(o.capacity)),
                    ));
                    if let Some(view) = o.persons_view.as_ref().filter(|v| !v.trim().is_empty()) {
                        details.push(Pair::new("Their own view", view.clone()));
                    }
                }
                details.push(Pair::new("When", format_date(a.on)));
                details.push(Pair::new("Version", a.version.to_string()));
                details.push(Pair::new("Version hash", grouped(&a.content_hash)));
            }
            Block::Signature(Signature {
                name: party.name.clone(),
                role,
                status,
                details,
            })
        })
        .collect()
}
