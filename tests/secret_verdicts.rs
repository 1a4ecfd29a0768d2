//! One verdict per secret (issue 16): the same bytes get the same verdict, with the same
//! problems and the same numbers in them, on every call, on every thread and in every process.
//!
//! The secrets are made of words, the kind the pattern rule judges and the kind on which its
//! former estimator (zxcvbn, whose search follows randomly seeded hash maps) changed its mind:
//! words joined by separators or run together, capitalised in several ways, l33t-spelled, with
//! digits and years, built deterministically so that every run judges the same 20,000 or more.

use std::process::Command;

use jwt_auth::{Secret, dangerous};

/// Set in the copy of this test binary that the test runs, which then prints its digest.
const CHILD: &str = "JWT_AUTH_VERDICTS_CHILD";
const DIGEST_LINE: &str = "verdicts digest: ";

const WORDS: &[&str] = &[
    "this",
    "is",
    "my",
    "super",
    "secret",
    "jwt",
    "key",
    "for",
    "production",
    "use",
    "token",
    "signing",
    "auth",
    "service",
    "company",
    "application",
    "password",
    "admin",
    "login",
    "user",
    "access",
    "refresh",
    "api",
    "server",
    "client",
    "private",
    "public",
    "change",
    "me",
    "default",
    "please",
    "replace",
    "with",
    "your",
    "own",
    "value",
    "very",
    "long",
    "random",
    "string",
    "the",
    "and",
    "of",
    "to",
    "in",
    "it",
    "you",
    "that",
    "was",
    "on",
    "love",
    "dragon",
    "monkey",
    "shadow",
    "master",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome",
    "hello",
    "world",
    "correct",
    "horse",
    "battery",
    "staple",
    "mountain",
    "river",
    "ocean",
    "forest",
    "summer",
    "winter",
    "spring",
    "autumn",
    "coffee",
    "banana",
    "orange",
    "purple",
    "silver",
    "golden",
    "tiger",
    "eagle",
    "falcon",
    "phoenix",
    "michael",
    "jennifer",
    "thomas",
    "jessica",
    "william",
    "ashley",
    "smith",
    "johnson",
    "brown",
    "miller",
    "wilson",
    "taylor",
    "anderson",
    "jackson",
    "harris",
    "martin",
    "qwerty",
    "asdfgh",
    "zxcvbn",
    "abcdef",
    "letmein",
    "trustno",
    "iloveyou",
    "starwars",
    "pokemon",
    "batman",
    "superman",
    "computer",
    "internet",
    "freedom",
    "whatever",
    "nothing",
    "question",
    "answer",
    "keyboard",
    "monitor",
    "database",
    "backend",
    "frontend",
    "gateway",
    "session",
    "cookie",
    "header",
    "payload",
    "signature",
    "verify",
    "issuer",
    "audience",
];
const SEPARATORS: &[&str] = &["", "", "-", "_", ".", " ", "+", "/", ":", "!", "#", "@"];

/// A fixed pseudo-random sequence (`SplitMix64`), so that every run builds the same secrets.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn l33t(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'a' => '4',
            'e' => '3',
            'i' => '1',
            'o' => '0',
            's' => '5',
            't' => '7',
            other => other,
        })
        .collect()
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The secrets: 3 to 9 words each, every fifth run together in camelCase, with a case, a
/// spelling, a separator and a suffix drawn for each.
fn secrets(count: usize) -> Vec<String> {
    let mut sequence = Sequence(16);
    (0..count)
        .map(|_| {
            let words = 3 + sequence.below(7);
            let separator = sequence.pick(SEPARATORS);
            let style = sequence.below(6);
            let mut secret = (0..words)
                .map(|i| {
                    let word = sequence.pick(WORDS);
                    match style {
                        0 => word.to_owned(),
                        1 => word.to_uppercase(),
                        2 => capitalised(word),
                        3 if i > 0 => capitalised(word),
                        4 => l33t(word),
                        _ if sequence.below(3) == 0 => capitalised(&l33t(word)),
                        _ => word.to_owned(),
                    }
                })
                .collect::<Vec<_>>()
                .join(separator);
            match sequence.below(4) {
                0 => secret.push_str(&(1900 + sequence.below(130)).to_string()),
                1 => secret.push_str(&sequence.below(1000).to_string()),
                2 => secret.push('!'),
                _ => {}
            }
            secret
        })
        .collect()
}

/// Every secret's verdict with its problems, in full (`Debug` shows every field and number).
fn verdicts(secrets: &[String]) -> Vec<String> {
    secrets
        .iter()
        .map(|secret| match Secret::new(secret) {
            Ok(_) => "strong".to_owned(),
            Err(weak) => format!("{:?}", weak.problems),
        })
        .collect()
}

/// A stable digest of the verdicts: the fingerprint of all of them, one a line.
fn digest(verdicts: &[String]) -> String {
    dangerous::insecure_secret(verdicts.join("\n"))
        .expect("non-empty")
        .0
        .fingerprint()
        .to_string()
}

const COUNT: usize = 20_000;

#[test]
fn the_same_secret_gets_the_same_verdict_on_every_thread_and_in_every_process() {
    let secrets = secrets(COUNT);
    assert_eq!(
        secrets
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        COUNT,
        "the secrets are distinct"
    );
    if std::env::var_os(CHILD).is_some() {
        println!("\n{DIGEST_LINE}{}", digest(&verdicts(&secrets)));
        return;
    }
    let judged_on_a_fresh_thread = || {
        let secrets = secrets.clone();
        std::thread::spawn(move || verdicts(&secrets))
            .join()
            .expect("judging panicked")
    };
    let first = judged_on_a_fresh_thread();
    let second = judged_on_a_fresh_thread();
    let differences: Vec<_> = (0..COUNT)
        .filter(|&i| first[i] != second[i])
        .map(|i| (&secrets[i], &first[i], &second[i]))
        .collect();
    assert!(differences.is_empty(), "{differences:#?}");
    // The rule is meant to refuse most of these and let through some long ones; a test whose
    // secrets all get one verdict would prove little.
    let refused = first.iter().filter(|v| *v != "strong").count();
    assert!(refused > COUNT / 2 && refused < COUNT, "{refused} refused");

    // This test binary again, in another process, running this test alone.
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "the_same_secret_gets_the_same_verdict_on_every_thread_and_in_every_process",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("the test binary runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let theirs = stdout
        .lines()
        .find_map(|line| {
            line.split_once(DIGEST_LINE)
                .map(|(_, digest)| digest.trim())
        })
        .unwrap_or_else(|| panic!("no digest in {stdout}"));
    assert_eq!(theirs, digest(&first), "another process judged differently");
}
