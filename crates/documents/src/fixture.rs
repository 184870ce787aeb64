//! A large, demo-like document for the benchmark and the crate's tests:
//! seven outcomes with steps and targets, twenty provision lines (some
//! ended), three formal reviews and five signature blocks. Fictional.

use crate::model::*;

const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="220" viewBox="0 0 640 220"><rect x="10" y="10" width="140" height="40" fill="#f3f2f1" stroke="#0b0c0c"/><text x="20" y="35" font-size="12">Aspiration</text><rect x="250" y="10" width="140" height="40" fill="#f3f2f1" stroke="#0b0c0c"/><text x="260" y="35" font-size="12">Outcome 1</text><line x1="150" y1="30" x2="250" y2="30" stroke="#b58a00" stroke-width="3"/></svg>"##;

fn date(n: usize) -> String {
    let months = ["January", "February", "March", "April", "May", "June", "July"];
    format!("{} {} 2027", 1 + n % 27, months[n % months.len()])
}

/// The largest plan the demo is like.
pub fn large() -> Document {
    let outcomes: Vec<Row> = (1..=7)
        .map(|n| Row {
            cells: vec![
                n.to_string(),
                format!(
                    "By {} I will travel to college on my own on the bus three days a week, measured by my travel diary checked each Friday (outcome {n})",
                    date(n)
                ),
                "Preparing for adulthood, Communication and Interaction".into(),
                format!("By {}", date(n)),
            ],
            marks: Marks {
                added: (n == 7).then(|| "R2, 12 March 2027".into()),
                ended: None,
            },
        })
        .collect();
    let steps: Vec<Row> = (1..=7)
        .flat_map(|n| {
            (1..=2).map(move |s| Row {
                cells: vec![
                    n.to_string(),
                    format!("Practise the route with a support worker, twice a week for four weeks (step {s})"),
                    format!(
                        "Makes the journey with the worker following at a distance by {}",
                        date(n + s)
                    ),
                    date(n + s),
                ],
                marks: Marks::default(),
            })
        })
        .collect();
    let provision: Vec<Row> = (1..=20)
        .map(|n| Row {
            cells: vec![
                format!("{}", 1 + n % 7),
                format!("Travel training session with the key worker, one to one, line {n}"),
                "Sam Okafor (Northgate Housing Trust)".into(),
                "1 hour, 2 times a week".into(),
                "Bus pass, travel diary".into(),
                "£24.00 a week".into(),
            ],
            marks: Marks {
                added: (n % 9 == 0).then(|| "R1, 19 October 2026".into()),
                ended: (n % 6 == 0).then(|| "Ended at R2, 30 November 2026: no longer needed".into()),
            },
        })
        .collect();
    let text_block = |label: &str| {
        Block::Paragraph {
        label: Some(label.into()),
        text: "I like music, football and cooking with my nan.\nI find busy places hard and need time to answer questions.".into(),
    }
    };
    let mut sections = vec![
        Section {
            heading: Some("Section 1: About me".into()),
            subheading: Some("a) my profile".into()),
            blocks: vec![
                text_block("What people like and admire about me"),
                text_block("What is important to me"),
                text_block("How best to support me"),
                Block::List {
                    label: Some("My strengths".into()),
                    items: (1..=6)
                        .map(|n| Item {
                            text: format!("Kind and patient with younger children ({n})"),
                            detail: None,
                            marks: Marks::default(),
                        })
                        .collect(),
                },
            ],
        },
        Section {
            heading: Some("Section 2: My needs".into()),
            subheading: None,
            blocks: vec![Block::List {
                label: Some("Communication and Interaction".into()),
                items: (1..=5)
                    .map(|n| Item {
                        text: format!("Needs instructions broken into small steps ({n})"),
                        detail: None,
                        marks: Marks::default(),
                    })
                    .collect(),
            }],
        },
        Section {
            heading: Some("Section 3: My outcomes".into()),
            subheading: None,
            blocks: vec![
                Block::Table(Table {
                    caption: Some("Outcomes".into()),
                    columns: vec![
                        Column::new("No.", 0.0),
                        Column::new("Outcome", 3.0),
                        Column::new("Areas of need", 1.4),
                        Column::new("By when", 1.0),
                    ],
                    rows: outcomes,
                    footer: None,
                }),
                Block::Table(Table {
                    caption: Some("Steps and short-term targets".into()),
                    columns: vec![
                        Column::new("Outcome", 0.0),
                        Column::new("Step", 2.0),
                        Column::new("Target", 2.0),
                        Column::new("By when", 1.0),
                    ],
                    rows: steps,
                    footer: None,
                }),
            ],
        },
        Section {
            heading: Some("Section 4: Provision".into()),
            subheading: None,
            blocks: vec![Block::Table(Table {
                caption: Some("Provision".into()),
                columns: vec![
                    Column::new("Outcomes", 0.0),
                    Column::new("What", 2.4),
                    Column::new("Who", 1.4),
                    Column::new("How often", 1.0),
                    Column::new("Resources", 1.0),
                    Column::new("Cost", 0.0),
                ],
                rows: provision,
                footer: Some("Total: £480.00 a week; 40.0 hours a week".into()),
            })],
        },
    ];
    sections.push(Section {
        heading: Some("Section 5: Everyone involved".into()),
        subheading: None,
        blocks: vec![Block::Fields {
            rows: (1..=5)
                .map(|n| Pair::new(format!("Party {n}"), "Parent or carer (Mum)"))
                .collect(),
        }],
    });
    let reviews = (1..=3)
        .map(|n| {
            Block::Review(ReviewRecord {
                title: format!("Formal review R{n}, {}", date(n)),
                facts: vec![
                    Pair::new("Held", date(n)),
                    Pair::new("Who took part", "Leo Martin, Sarah Martin, Priya Shah, Tom Price"),
                    Pair::new("Closed", date(n + 1)),
                ],
                answers: vec![
                    Pair::new("What has gone well", "Leo now walks to the bus stop on his own."),
                    Pair::new("The person's views", "I like the bus now."),
                ],
                ratings: Some(Table {
                    caption: Some("Progress towards each outcome".into()),
                    columns: vec![
                        Column::new("Outcome", 3.0),
                        Column::new("Progress", 1.0),
                        Column::new("Note", 2.0),
                    ],
                    rows: (1..=7)
                        .map(|o| Row {
                            cells: vec![
                                format!("Outcome {o}"),
                                "Partly met".into(),
                                "Keep going for another term".into(),
                            ],
                            marks: Marks::default(),
                        })
                        .collect(),
                    footer: None,
                }),
            })
        })
        .collect();
    sections.push(Section {
        heading: Some("Reviews".into()),
        subheading: None,
        blocks: reviews,
    });
    sections.push(Section {
        heading: Some("The golden thread".into()),
        subheading: None,
        blocks: vec![Block::Picture(Picture {
            svg: SVG.into(),
            alt: "One aspiration leads to outcome 1.".into(),
        })],
    });
    let mut agreement = vec![Block::Paragraph {
        label: None,
        text: "We agree to this plan and to do our part.".into(),
    }];
    agreement.extend((1..=5).map(|n| {
        Block::Signature(Signature {
            name: format!("Party {n}"),
            role: "Parent or carer".into(),
            status: if n < 5 { "Agreed" } else { "Not yet agreed" }.into(),
            details: if n < 5 {
                vec![
                    Pair::new("Signed as", format!("Party {n}")),
                    Pair::new("How", "On screen"),
                    Pair::new("When", "30 November 2026"),
                    Pair::new("Version", "42 (sha256:3f2a…)"),
                ]
            } else {
                vec![]
            },
        })
    }));
    sections.push(Section {
        heading: Some("Agreement".into()),
        subheading: None,
        blocks: agreement,
    });
    Document {
        title: "My Support Plan".into(),
        form: "My Support Plan (Kirklees, Version 2 – V2f)".into(),
        person: "Leo Martin".into(),
        plan_number: "Plan number 1".into(),
        plan_title: None,
        facts: vec![
            Pair::new("Status", "Agreed"),
            Pair::new("Start date", "1 September 2026"),
            Pair::new("Version", "42"),
            Pair::new("Printed", "5 December 2026"),
        ],
        notes: vec![],
        sections,
        confidentiality: "Confidential: contains personal information. Share only with the people named in this plan."
            .into(),
        style: Style::default(),
    }
}

/// The large plan as another person's: a different name and plan number,
/// and different words in every row, so that a benchmark printing a
/// rotation of these measures a print of a plan not printed just before.
pub fn large_variant(n: usize) -> Document {
    const NAMES: [&str; 8] = [
        "Leo Martin",
        "Amara Okafor",
        "Jordan Blake",
        "Priya Nair",
        "Callum Reid",
        "Sofia Kowalski",
        "Ethan Hughes",
        "Maya Thompson",
    ];
    const ACTIVITIES: [&str; 8] = ["bus", "train", "bicycle", "tram", "ferry", "coach", "taxi", "minibus"];
    let mut document = large();
    document.person = NAMES[n % NAMES.len()].to_owned();
    document.plan_number = format!("Plan number {}", 1000 + n);
    let json = serde_json::to_string(&document).expect("a document serialises");
    let json = json
        .replace("bus", ACTIVITIES[n % ACTIVITIES.len()])
        .replace("2027", &(2027 + n / ACTIVITIES.len()).to_string())
        .replace(
            "Friday",
            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"][n % 5],
        );
    serde_json::from_str(&json).expect("the same shape")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_large_fixture_renders_as_a_pdf() {
        let pdf = crate::render(&super::large()).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() > 10_000);
    }
}
