use super::CriterionKey::{Evidence as E, Measurable as M, Specific as S, TimeBound as T};
use super::*;
use proptest::prelude::*;

fn missing_keys(r: &SmartReport) -> Vec<CriterionKey> {
    r.criteria.iter().filter(|c| !c.met).map(|c| c.key).collect()
}

/// Real-sounding phrasings from SEND/SENCO plans, supported housing,
/// health and youth work: (text, SMART?, criteria expected missing).
const CASES: &[(&str, bool, &[CriterionKey])] = &[
    ("improve school attendance", false, &[S, M, E, T]),
    (
        "attend school for at least four days a week for the next three months",
        true,
        &[],
    ),
    (
        "By the end of key stage 2, Leo will be able to read 100 high-frequency words, as measured by termly reading assessments.",
        true,
        &[],
    ),
    (
        "By the end of Year 4, Ava will recall her 2, 5 and 10 times tables with 90% accuracy in a weekly times tables test.",
        true,
        &[],
    ),
    ("Leo will improve his reading.", false, &[S, M, E, T]),
    ("Ella will develop her social skills.", false, &[S, M, E, T]),
    (
        "Noah will ask for help in class without prompting on 4 out of 5 occasions by the end of the autumn term, as observed by his teaching assistant.",
        true,
        &[],
    ),
    ("To be better at maths", false, &[S, M, E, T]),
    (
        "Zara will write three sentences using capital letters and full stops by Christmas.",
        true,
        &[],
    ),
    (
        "Sami will stay in class for the whole lesson on 4 out of 5 days by February half-term.",
        true,
        &[],
    ),
    ("Engage with learning", false, &[S, M, E, T]),
    (
        "Maya will use her calm box when she feels angry on 3 out of 4 occasions within 6 weeks, recorded on her behaviour log.",
        true,
        &[],
    ),
    ("Increase his independence in the classroom", false, &[S, M, E, T]),
    (
        "Oliver will follow a two-step instruction 8 out of 10 times by the end of the spring term.",
        true,
        &[],
    ),
    (
        "Jack will be supported to improve his handwriting",
        false,
        &[S, M, E, T],
    ),
    (
        "By July 2027, Priya will read a Level 3 book with 95% accuracy, as shown by a running record.",
        true,
        &[],
    ),
    ("Freddie will have improved behaviour", false, &[S, M, E, T]),
    (
        "Aisha will put her hand up to answer a question at least once in every lesson by the end of term.",
        true,
        &[],
    ),
    ("Work towards better concentration", false, &[S, M, E, T]),
    (
        "Harry will walk to school with a friend twice a week by Easter.",
        true,
        &[],
    ),
    (
        "Sam will pay his rent in full every month for the next six months, as shown by his rent account.",
        true,
        &[],
    ),
    ("Chloe will keep her tenancy for at least six months.", true, &[]),
    ("Manage her money better", false, &[S, M, E, T]),
    (
        "Jordan will set up a direct debit for his rent by 30 April 2027.",
        true,
        &[],
    ),
    (
        "Ben will budget £40 a week for food and keep receipts for the next 8 weeks, checked at his weekly keywork session.",
        true,
        &[],
    ),
    ("Help Jade to feel more settled in her flat", false, &[S, M, E, T]),
    (
        "Liam will bid for at least two suitable properties each week on the council's housing register until he moves on.",
        true,
        &[],
    ),
    ("Reduce his rent arrears", false, &[S, M, E, T]),
    (
        "Clear her rent arrears of £350 by paying £25 a week on top of her rent, as shown on her rent statement, by the end of March 2027.",
        true,
        &[],
    ),
    ("No rent arrears at the six-month tenancy review", true, &[]),
    ("Kelly will engage with support", false, &[S, M, E, T]),
    (
        "Tom will attend all his tenancy sustainment appointments over the next 3 months.",
        true,
        &[],
    ),
    ("Improve her independent living skills", false, &[S, M, E, T]),
    (
        "Aaron will cook a hot meal from scratch at least twice a week by the end of his placement, recorded in his independence checklist.",
        true,
        &[],
    ),
    (
        "Dani will use the crisis line or tell staff when she has thoughts of self-harm, every time, before she moves on.",
        true,
        &[],
    ),
    ("Keep safe", false, &[S, M, E, T]),
    ("Mo will keep his flat clean and tidy", false, &[M, E, T]),
    ("Sophie will move into her own flat by the end of 2027.", true, &[]),
    ("Not to self-harm", false, &[S, M, E, T]),
    (
        "Becky will have no self-harm incidents requiring medical treatment for 12 consecutive weeks, as recorded in her safety plan review.",
        true,
        &[],
    ),
    (
        "Take her medication every morning without prompting by 31/03/2027, recorded on the MAR chart",
        true,
        &[],
    ),
    ("Feel less anxious", false, &[S, M, E, T]),
    (
        "Ravi will attend 8 out of 10 physiotherapy sessions by the end of the block, as recorded by the physiotherapist.",
        true,
        &[],
    ),
    ("Improve her sleep", false, &[S, M, E, T]),
    (
        "Amira will go to bed by 10pm on at least 5 nights a week by the end of March, recorded in her sleep diary.",
        true,
        &[],
    ),
    (
        "Walk for 30 minutes three times a week within the next 12 weeks",
        true,
        &[],
    ),
    ("Be healthier", false, &[S, M, E, T]),
    (
        "Dev will attend every weekly CBT session for the next 12 weeks.",
        true,
        &[],
    ),
    ("Maintain a healthy weight", false, &[S, M, E, T]),
    (
        "Nina will drink at least 6 glasses of water a day, recorded on her fluid chart, within two weeks.",
        true,
        &[],
    ),
    (
        "Reduce his cannabis use to no more than two days a week by the next CPA review, as self-reported at weekly keywork sessions.",
        true,
        &[],
    ),
    ("Attend therapy", false, &[M, E, T]),
    (
        "Jess will rate her anxiety as 5 or lower on a 0-10 scale at the end of each counselling session by the end of the 12-week block.",
        true,
        &[],
    ),
    ("Stop smoking", false, &[T]),
    (
        "Stop smoking by June, confirmed by a carbon monoxide reading at the stop smoking clinic.",
        true,
        &[],
    ),
    ("Join a sports club to increase social interaction", false, &[T]),
    ("Referral to a counsellor for emotional support", false, &[T]),
    ("Arrange extra tuition in a subject where they need help", false, &[T]),
    (
        "Provide access to training or skill-building sessions",
        false,
        &[S, M, E, T],
    ),
    (
        "Kai will attend the Friday football session at the youth centre every week until the end of the summer holidays, as recorded on the session register.",
        true,
        &[],
    ),
    ("Get back into education", false, &[S, M, E, T]),
    (
        "Tia will meet her counsellor every Tuesday for the next 10 weeks.",
        true,
        &[],
    ),
    ("Be more confident", false, &[S, M, E, T]),
    (
        "Ryan will attend school on at least 9 out of 10 days each fortnight by the end of the autumn term, as shown by the school attendance register.",
        true,
        &[],
    ),
    ("Make positive friendships", false, &[S, M, E, T]),
    (
        "Staff will support Amy to attend college 3 days a week by September.",
        true,
        &[],
    ),
    (
        "By the end of the year, improve her reading age by 12 months",
        true,
        &[],
    ),
    ("Attend school every day", false, &[T]),
    (
        "Amy will go to college on Mondays and Wednesdays until Easter",
        true,
        &[],
    ),
    (
        "Reduce missed doses to zero within 4 weeks, per the MAR chart",
        true,
        &[],
    ),
    ("Daily living skills", false, &[S, M, E, T]),
    (
        "Leo will have a 1:1 session with his keyworker every week for six weeks.",
        true,
        &[],
    ),
    (
        "Maisie will use her inhaler correctly, as checked by the school nurse each half term, by the end of Year 6.",
        true,
        &[],
    ),
    ("Kieran will apply for 5 jobs a week until he finds work.", false, &[T]),
    ("Tom will attend the food bank.", false, &[M, E, T]),
    ("To maintain his tenancy", false, &[M, E, T]),
    (
        "Josh will arrive at school by 8:45am every day for the next half term.",
        true,
        &[],
    ),
    ("Spend less time on his phone", false, &[M, E, T]),
    (
        "Lily will go to the girls' group once a fortnight and take part in at least one activity, by Easter 2027.",
        true,
        &[],
    ),
    ("Attend college regularly", false, &[M, E, T]),
    ("Ongoing support from youth worker", false, &[S, M, E, T]),
    (
        "By the end of the programme, Marcus will complete his Duke of Edinburgh bronze award.",
        true,
        &[],
    ),
    (
        "Ayesha will text her youth worker if she is going to miss a session, every time, within the next month.",
        true,
        &[],
    ),
    (
        "Connor will play football with the team for 90 minutes every Saturday this season.",
        true,
        &[],
    ),
    (
        "Leo will tell an adult when he feels worried on 3 out of 5 occasions by 31/03/2027.",
        true,
        &[],
    ),
    (
        "By the end of the autumn term, Evie will independently write her name on 9 out of 10 pieces of work.",
        true,
        &[],
    ),
    (
        "Ella will read a book at home for 10 minutes, five nights a week, recorded in her reading record, before she transfers to secondary school.",
        true,
        &[],
    ),
    ("“Attend school more often”", false, &[M, E, T]),
    ("Attend school 4 days/week by half-term", true, &[]),
    ("Save £10 a week towards a deposit for 12 weeks", true, &[]),
    ("Be in bed by 10:30pm on school nights within 4 weeks", true, &[]),
    ("Practise his spellings for 10 minutes every day", false, &[T]),
    (
        "Organise her appointments in a diary each week by the end of the month",
        true,
        &[],
    ),
    (
        "Brush his teeth twice a day without reminders by the end of year 5",
        true,
        &[],
    ),
    (
        "Rhys will attend at least 80% of his CAMHS appointments over the next six months, as recorded by CAMHS.",
        true,
        &[],
    ),
    (
        "Support worker will visit Tom weekly to help him open post and pay bills",
        false,
        &[T],
    ),
    ("Continue to engage with CAMHS", false, &[S, M, E, T]),
    (
        "Sarah will complete a benefits application with her support worker by 15th May.",
        true,
        &[],
    ),
    ("Will attend school 100% of the time", false, &[T]),
    (
        "Leo will say ‘no’ and walk away when offered cannabis, on every occasion, by the end of the summer holidays.",
        true,
        &[],
    ),
    (
        "Reduce lateness to school to fewer than 2 lates per half term by the end of the spring term, as shown by the register.",
        true,
        &[],
    ),
    (
        "Increase confidence by joining the youth club every Friday for the next 12 weeks",
        true,
        &[],
    ),
    ("Increase confidence to 8 out of 10 by July 2027", false, &[S, E]),
    ("Attendance of at least 95% by the end of the summer term", true, &[]),
    (
        "Reduce self-harm incidents to no more than one a month by Christmas, as recorded in her safety plan.",
        true,
        &[],
    ),
    (
        "Tyler will attend the youth club every Friday for a full term.",
        true,
        &[],
    ),
    (
        "Use the bus to get to college independently 3 times per week within the next 6 weeks.",
        true,
        &[],
    ),
    (
        "Mia will tell a trusted adult when she feels unsafe before she moves on.",
        false,
        &[M, E],
    ),
    ("Read for 20 minutes each night in 12 weeks", true, &[]),
    ("Cook a hot meal twice a week by the end of year 4", true, &[]),
    ("She will feel safer in her flat by the next review.", false, &[S, M, E]),
    (
        "Attend 3 out of 4 weekly keywork sessions, as recorded in keywork notes, ongoing",
        false,
        &[T],
    ),
    ("Leo will read.", false, &[M, E, T]),
    ("June will attend college 3 days a week", false, &[T]),
    ("Be home by 10pm", false, &[T]),
    (
        "Attend school 5 days a week from September 2026 to July 2027",
        true,
        &[],
    ),
    (
        "Within 3 months of moving in, Sam will set up his gas and electricity accounts.",
        true,
        &[],
    ),
    ("Ahmed will attend his GP appointment on 12/05/2026.", true, &[]),
    ("Register with a GP by the end of the month", true, &[]),
    (
        "Jay will learn to cook three healthy meals by the end of his tenancy.",
        true,
        &[],
    ),
    ("Reduce anxiety", false, &[S, M, E, T]),
    ("Sleep better", false, &[M, E, T]),
    ("Get up at 7:30am on school days", false, &[T]),
    ("Tenancy sustained for 12 months", true, &[]),
];

#[test]
fn table_of_phrasings() {
    assert!(CASES.len() >= 70, "only {} cases", CASES.len());
    let mut failures = Vec::new();
    for &(text, smart, missing) in CASES {
        let r = check(text);
        if r.smart != smart || missing_keys(&r) != missing {
            failures.push(format!(
                "{text:?}: expected smart={smart} missing={missing:?}, got smart={} \
                 missing={:?}\n  {:#?}",
                r.smart,
                missing_keys(&r),
                r.criteria
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn both_kinds_are_in_the_table() {
    let smart = CASES.iter().filter(|c| c.1).count();
    assert!(smart >= 30 && CASES.len() - smart >= 30);
}

#[test]
fn seed_vague_goal_says_how_much_how_measured_and_by_when() {
    let r = check("improve school attendance");
    assert!(!r.smart);
    let keys = missing_keys(&r);
    for k in [M, E, T] {
        assert!(keys.contains(&k), "{k:?} not flagged: {r:#?}");
    }
    assert!(r.missing.iter().any(|m| m.starts_with("How much or how often:")));
    assert!(
        r.missing
            .iter()
            .any(|m| m.starts_with("How progress will be measured:"))
    );
    assert!(r.missing.iter().any(|m| m.starts_with("By when:")));
    assert!(r.missing[0].contains("\"improve\""), "{:?}", r.missing);
    assert!(r.found.is_empty());
}

#[test]
fn seed_specific_goal_passes_and_quotes_its_words() {
    let r = check("attend school for at least four days a week for the next three months");
    assert!(r.smart, "{r:#?}");
    assert!(r.missing.is_empty());
    assert_eq!(
        r.found,
        vec![
            "Action: \"attend school\".".to_string(),
            "Measurable amount: \"at least four days a week\".".to_string(),
            "How progress will be known: \"attend school\" can be seen and counted, so \
             \"at least four days a week\" can be checked directly (naming the record, e.g. \
             a register or log, would make it firmer)."
                .to_string(),
            "Time frame: \"for the next three months\".".to_string(),
        ]
    );
    let time = &r.criteria[3];
    assert_eq!(time.key, T);
    assert_eq!(time.evidence.as_deref(), Some("for the next three months"));
}

#[test]
fn case_punctuation_and_curly_quotes_do_not_matter() {
    for text in [
        "ATTEND SCHOOL FOR AT LEAST FOUR DAYS A WEEK FOR THE NEXT THREE MONTHS",
        "“Attend school for at least four days a week, for the next three months.”",
        "- attend school: at least 4 days a week; for the next 3 months!",
        "Attend\u{a0}school for at least four days a week for the next three months",
    ] {
        assert!(check(text).smart, "{text}: {:#?}", check(text));
    }
}

#[test]
fn explicit_means_is_quoted() {
    let r = check(
        "Ryan will attend school on at least 9 out of 10 days each fortnight by the end of \
         the autumn term, as shown by the school attendance register.",
    );
    assert!(r.smart);
    assert_eq!(
        r.criteria[2].evidence.as_deref(),
        Some("as shown by the school attendance register")
    );
    assert_eq!(r.criteria[3].evidence.as_deref(), Some("by the end of the autumn term"));
}

#[test]
fn vague_words_are_named() {
    let r = check("Attend college regularly");
    assert!(r.missing[0].contains("\"regularly\" is not an amount"), "{r:#?}");
    let r = check("Ongoing support from youth worker");
    assert!(r.missing.iter().any(|m| m.contains("\"Ongoing\" is not a time frame")));
    let r = check("Be more confident");
    assert!(r.missing[0].contains("\"Be more confident\""), "{r:#?}");
}

#[test]
fn clock_time_is_an_amount_not_a_time_frame() {
    let r = check("Be home by 10pm");
    assert!(r.criteria[1].met);
    assert!(!r.criteria[3].met);
}

#[test]
fn unmeasurable_amount_needs_a_named_means() {
    let r = check("Increase confidence to 8 out of 10 by July 2027");
    assert_eq!(missing_keys(&r), vec![S, E]);
    let r = check("Rate her confidence as 8 out of 10 or higher on the wellbeing star by July 2027");
    assert!(r.smart, "{r:#?}");
}

#[test]
fn empty_text_needs_a_goal() {
    for text in ["", "   ", "\n\t", " .,; "] {
        let r = check(text);
        assert!(!r.smart);
        assert_eq!(r.missing.len(), 1);
        assert!(r.missing[0].starts_with("A goal is needed"));
        assert!(r.found.is_empty());
        assert_eq!(r.criteria.len(), 4);
        assert!(r.criteria.iter().all(|c| !c.met && c.evidence.is_none()));
    }
}

#[test]
fn report_shape_is_consistent() {
    for &(text, _, _) in CASES {
        let r = check(text);
        let keys: Vec<_> = r.criteria.iter().map(|c| c.key).collect();
        assert_eq!(keys, vec![S, M, E, T]);
        let unmet: Vec<_> = r.criteria.iter().filter(|c| !c.met).collect();
        assert_eq!(r.missing.len(), unmet.len());
        assert_eq!(r.found.len(), 4 - unmet.len());
        for c in &r.criteria {
            assert_eq!(c.met, c.evidence.is_some(), "{text}: {c:?}");
            let list = if c.met { &r.found } else { &r.missing };
            assert!(list.contains(&c.explanation));
        }
    }
}

#[test]
fn serialises_with_snake_case_keys() {
    let r = check("Cook a hot meal twice a week by the end of year 4");
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["smart"], true);
    assert_eq!(json["criteria"][3]["key"], "time_bound");
    assert_eq!(json["criteria"][0]["key"], "specific");
    let back: SmartReport = serde_json::from_value(json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn number_kinds() {
    assert_eq!(num_kind("31/03/2027"), NumKind::Date);
    assert_eq!(num_kind("8/10"), NumKind::Fraction);
    assert_eq!(num_kind("10pm"), NumKind::Clock);
    assert_eq!(num_kind("10:30"), NumKind::Clock);
    assert_eq!(num_kind("1:1"), NumKind::Ratio);
    assert_eq!(num_kind("18th"), NumKind::Ordinal);
    assert_eq!(num_kind("2027"), NumKind::Year);
    assert_eq!(num_kind("3-4"), NumKind::Plain);
}

#[test]
fn verb_forms() {
    assert_eq!(lemma("attending", action_verb).as_deref(), Some("attend"));
    assert_eq!(lemma("uses", action_verb).as_deref(), Some("use"));
    assert_eq!(lemma("using", action_verb).as_deref(), Some("use"));
    assert_eq!(lemma("shopping", action_verb).as_deref(), Some("shop"));
    assert_eq!(lemma("tidied", action_verb).as_deref(), Some("tidy"));
    assert_eq!(lemma("paid", action_verb).as_deref(), Some("pay"));
    assert_eq!(lemma("practising", action_verb).as_deref(), Some("practise"));
    assert_eq!(lemma("organised", action_verb).as_deref(), Some("organise"));
    assert_eq!(lemma("attendance", action_verb), None);
}

#[test]
fn tokens_keep_byte_offsets_into_the_original() {
    let text = "Zoë’s “goal”: 10pm—by 31/03/2027";
    for t in tokenize(text) {
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
    }
}

const FRAGMENTS: &[&str] = &[
    "attend",
    "school",
    "for",
    "at least",
    "four",
    "days",
    "a week",
    "the next",
    "three",
    "months",
    "by",
    "the end of",
    "key stage 2",
    "year 4",
    "as shown by",
    "the register",
    "improve",
    "every",
    "Monday",
    "8 out of 10",
    "90%",
    "£",
    "20",
    "10pm",
    "31/03/2027",
    "half-term",
    "before she moves on",
    "within",
    "in",
    "no",
    "arrears",
    "one",
    "to",
    "of",
    "all",
    "each",
    "full",
    "on time",
    "recorded in",
    "diary",
    "self-harm",
    "keep",
    "tenancy",
    "her",
    "his",
    "the",
    "a",
    "an",
    ",",
    ".",
    "-",
    "'",
    "“",
    "”",
    "/",
    ":",
    "twice",
    "once",
    "until",
    "next",
    "this",
    "term",
    "review",
    "without",
    "missing",
    "a",
    "payment",
    "Leo",
    "will",
    "be",
    "able",
    "to",
    "read",
    "clear",
    "stop",
    "rates",
    "anxiety",
    "scale",
    "mid",
    "may",
    "2027",
    "18th",
    "birthday",
    "at",
    "é",
    "ß",
    "İ",
    "日本",
    "\u{0301}",
];

fn phrase() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (0..FRAGMENTS.len(), prop::sample::select(vec![" ", "", "-", "  "])),
        0..24,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(i, sep)| format!("{}{sep}", FRAGMENTS[i]))
            .collect::<String>()
    })
}

fn invariants(text: &str) -> Result<(), TestCaseError> {
    let a = check(text);
    let b = check(text);
    prop_assert_eq!(&a, &b);
    prop_assert_eq!(a.smart, a.missing.is_empty());
    prop_assert_eq!(a.criteria.len(), 4);
    prop_assert_eq!(a.smart, a.criteria.iter().all(|c| c.met));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_is_consistent_on_any_string(text in any::<String>()) {
        invariants(&text)?;
    }

    #[test]
    fn never_panics_and_is_consistent_on_goal_like_text(text in phrase()) {
        invariants(&text)?;
    }
}
