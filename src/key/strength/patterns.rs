//! The pattern estimate: how many bits a secret carries when an attacker tries common words and
//! passwords, keyboard walks, sequences, repeats and dates before anything else.
//!
//! The secret is cut into runs of letters and digits at every other character (each credited
//! only with the choice among the separators the secret uses). Each run is parsed by a
//! shortest-path search over its positions: a step is one character at the alphabet's rate, or
//! one match of at most [`MAX_MATCH_CHARS`] characters at the match's cost. The cheapest parse is
//! the estimate. Everything is counted in whole millibits and every tie goes to the candidate
//! considered first, in a fixed order, so that the estimate is a pure function of the text: the
//! same on every call, thread and process. (zxcvbn, which this replaces, iterates hash maps with
//! random seeds in its search and so returned different estimates for the same text.)

use std::collections::BTreeSet;

use super::PatternKind;
use super::REQUIRED_BITS;

/// The longest match the search considers. Longer patterns are parsed as several matches (a
/// 40-key walk as three walks), which costs them a few bits more and keeps the search linear in
/// the run's length: at most this many candidates end at each position.
pub(super) const MAX_MATCH_CHARS: usize = 16;

/// Shorter words count only when they are a whole run (`key` between dashes); shorter walks,
/// sequences and repeats never: random strings are full of them (`fed`, `789`).
const MIN_WORD_CHARS: usize = 3;
const MIN_PATTERN_CHARS: usize = 4;

/// How many bits patterns must explain, beyond what the alphabet credits, before they count
/// against a secret. A random string contains accidental patterns too (a word here, a
/// three-digit run there); 20,000 fresh random 32-byte secrets in each of hex, base64 and
/// base64url all pass with this threshold. The weak secrets this rule is for (words run
/// together, keyboard walks) lose well over 100.
const MIN_SAVINGS: u64 = 64_000;

/// What a word from the list costs, by its length: log2 of how many of the list's lower-case
/// entries are that long or shorter (`WORD_BITS[0]` for one character). The list is sorted, not
/// ranked by frequency, so this prices an attacker who tries its words shortest first: common
/// short words (`the`, `my`, `key`) are cheap and long ones cost about log2 of the whole list.
/// Counted from the list in `passwords` 3.1.19 (97,020 lower-case entries).
const WORD_BITS: [u64; MAX_MATCH_CHARS] = [
    5_459, 7_931, 10_237, 11_699, 12_468, 15_041, 15_644, 16_259, 16_432, 16_536, 16_549, 16_557,
    16_560, 16_561, 16_563, 16_564,
];

/// The kinds, in the order ties between them are settled.
const KINDS: [PatternKind; 5] = [
    PatternKind::Words,
    PatternKind::KeyboardWalk,
    PatternKind::Sequence,
    PatternKind::Repeat,
    PatternKind::Date,
];

/// Bits in millibits, rounded: sums and comparisons are then exact.
fn millibits(bits: f64) -> u64 {
    // Truncation is intended: bits are non-negative and far below 2^54.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let milli = (bits * 1000.0).round() as u64;
    milli
}

fn log2(n: usize) -> f64 {
    as_f64(n).log2()
}

/// Whether `word` (lower case) is an English stop word (NLTK's list, from `stop-words`: the short
/// words sentences are made of, `is`, `a`, `your`), or on the `passwords` crate's list of common
/// passwords, which holds the common English words, names and keyboard strings people use as
/// passwords but not every stop word.
pub(super) fn is_common(word: &str) -> bool {
    // With only the `nltk` feature on, "en" is NLTK's list; `lookup` cannot panic.
    stop_words::lookup("en").is_some_and(|stop| stop.contains(&word))
        || passwords::analyzer::is_common_password(word)
}

/// The kind of pattern that explains the most, and the estimate in whole bits, when patterns
/// explain at least [`MIN_SAVINGS`] and leave the estimate under [`REQUIRED_BITS`].
pub(super) fn estimate(text: &str, bits_per_char: f64) -> Option<(PatternKind, u32)> {
    estimate_with(text, bits_per_char, &mut is_common)
}

/// [`estimate`] with the word list given, so that tests can count the look-ups.
pub(super) fn estimate_with(
    text: &str,
    bits_per_char: f64,
    is_word: &mut dyn FnMut(&str) -> bool,
) -> Option<(PatternKind, u32)> {
    let per_char = millibits(bits_per_char);
    let required = u64::from(REQUIRED_BITS) * 1000;
    let is_separator = |c: char| !c.is_alphanumeric();
    let separators: BTreeSet<char> = text.chars().filter(|&c| is_separator(c)).collect();
    let per_separator = millibits(log2(separators.len() + 1)).min(per_char);
    let mut bits = 0;
    let mut saved = [0_u64; KINDS.len()];
    let mut run = Vec::new();
    let mut first = true;
    for c in text.chars().chain(std::iter::once(' ')) {
        if !is_separator(c) {
            run.push(c);
            continue;
        }
        // Once the estimate reaches the requirement, the rest cannot make the rule fire.
        if bits >= required {
            return None;
        }
        if !first {
            bits += per_separator;
        }
        first = false;
        bits += parse_run(&run, per_char, &mut saved, is_word);
        run.clear();
    }
    let savings: u64 = saved.iter().sum();
    if bits >= required || savings < MIN_SAVINGS {
        return None;
    }
    let mut most = 0;
    for (i, &s) in saved.iter().enumerate() {
        if s > saved[most] {
            most = i;
        }
    }
    let whole_bits = u32::try_from(bits / 1000).unwrap_or(u32::MAX);
    Some((KINDS[most], whole_bits))
}

/// The cheapest parse of one run of letters and digits, in millibits; what each kind of match in
/// it saved against the alphabet's rate is added to `saved`.
fn parse_run(
    run: &[char],
    per_char: u64,
    saved: &mut [u64; KINDS.len()],
    is_word: &mut dyn FnMut(&str) -> bool,
) -> u64 {
    let n = run.len();
    let lower: Vec<char> = run.iter().map(char::to_ascii_lowercase).collect();
    let keys: Vec<Option<(i8, i8)>> = lower.iter().map(|&c| key(c)).collect();
    // best[j]: the cheapest parse of run[..j]; step[j]: where its last step starts, and the kind
    // of match it is (none for a single character).
    let mut best = vec![0_u64; n + 1];
    let mut step: Vec<(usize, Option<usize>)> = vec![(0, None); n + 1];
    for j in 1..=n {
        best[j] = best[j - 1] + per_char;
        step[j] = (j - 1, None);
        // The candidates ending at j, shortest first: run[i..j] for i = j - 2, j - 3, ...
        let mut shape = Shape::new(run[j - 1], keys[j - 1]);
        for len in 2..=j.min(MAX_MATCH_CHARS) {
            let i = j - len;
            shape.extend_left(run[i], keys[i]);
            let literal = per_char * len as u64;
            let candidates = [
                word(&run[i..j], &lower[i..j], i == 0 && j == n, literal, is_word),
                shape.keyboard_walk(len),
                shape.sequence(len),
                (len >= MIN_PATTERN_CHARS)
                    .then(|| repeat(&run[i..j], literal))
                    .flatten(),
                shape.date(&run[i..j]),
            ];
            for (kind, cost) in candidates.into_iter().enumerate() {
                if let Some(cost) = cost
                    && cost < literal
                    && best[i] + cost < best[j]
                {
                    best[j] = best[i] + cost;
                    step[j] = (i, Some(kind));
                }
            }
        }
    }
    let mut j = n;
    while j > 0 {
        let (i, kind) = step[j];
        if let Some(kind) = kind {
            saved[kind] += per_char * (j - i) as u64 - (best[j] - best[i]);
        }
        j = i;
    }
    best[n]
}

/// What is known of `run[i..j]` as `i` moves left one character at a time, so that each
/// candidate costs O(1) to judge as a keyboard walk or a sequence.
struct Shape {
    /// The leftmost character and its key.
    first: char,
    first_key: Option<(i8, i8)>,
    /// Whether every neighbouring pair is a step between neighbouring keys; the direction of
    /// the leftmost step; how many runs of one direction there are.
    walk: bool,
    direction: Option<u8>,
    turns: u32,
    /// Whether every neighbouring pair differs by the same `delta`, one class throughout.
    sequence: bool,
    delta: Option<i64>,
    digits: bool,
    upper: usize,
    lower: usize,
    /// The rightmost character.
    last: char,
}

impl Shape {
    fn new(last: char, last_key: Option<(i8, i8)>) -> Self {
        Self {
            first: last,
            first_key: last_key,
            walk: last_key.is_some(),
            direction: None,
            turns: 0,
            sequence: class(last).is_some(),
            delta: None,
            digits: last.is_ascii_digit(),
            upper: usize::from(last.is_uppercase()),
            lower: usize::from(last.is_lowercase()),
            last,
        }
    }

    fn extend_left(&mut self, c: char, key: Option<(i8, i8)>) {
        let direction = key
            .zip(self.first_key)
            .and_then(|(from, to)| direction(from, to));
        self.walk &= direction.is_some();
        if self.walk && direction != self.direction {
            self.turns += 1;
        }
        self.direction = direction;
        let delta = i64::from(u32::from(self.first)) - i64::from(u32::from(c));
        self.sequence &= class(c) == class(self.first)
            && matches!(delta.abs(), 1 | 2)
            && self.delta.is_none_or(|d| d == delta);
        self.delta = Some(delta);
        self.digits &= c.is_ascii_digit();
        self.upper += usize::from(c.is_uppercase());
        self.lower += usize::from(c.is_lowercase());
        self.first = c;
        self.first_key = key;
    }

    fn capitals(&self) -> u64 {
        capital_bits(
            self.upper,
            self.lower,
            self.first.is_uppercase(),
            self.last.is_uppercase(),
        )
    }

    /// Neighbouring keys (`qwerty`, `1qaz2wsx`): the start key, a choice among six directions
    /// at each turn, the length, and the capitals.
    fn keyboard_walk(&self, len: usize) -> Option<u64> {
        (self.walk && len >= MIN_PATTERN_CHARS).then(|| {
            millibits(log2(36) + f64::from(self.turns) * log2(6) + log2(len)) + self.capitals()
        })
    }

    /// Letters or digits one or two apart, in order or reversed (`abcd`, `97531`): the start
    /// within its class, the length, and a bit each for reversed and for a step of two.
    fn sequence(&self, len: usize) -> Option<u64> {
        let size = class(self.first)?.1;
        let delta = self.delta?;
        (self.sequence && len >= MIN_PATTERN_CHARS).then(|| {
            millibits(log2(size) + log2(len))
                + 1000 * (u64::from(delta < 0) + u64::from(delta.abs() == 2))
        })
    }

    fn date(&self, chars: &[char]) -> Option<u64> {
        if self.digits { date(chars) } else { None }
    }
}

/// Lower case, upper case and digits, with their sizes.
fn class(c: char) -> Option<(u8, usize)> {
    if c.is_ascii_lowercase() {
        Some((0, 26))
    } else if c.is_ascii_uppercase() {
        Some((1, 26))
    } else if c.is_ascii_digit() {
        Some((2, 10))
    } else {
        None
    }
}

/// A word from the list, in any case, possibly l33t-spelled (`p4ssw0rd`): the word's cost plus
/// the bits to say which letters are capitals and which are digits.
fn word(
    chars: &[char],
    lower: &[char],
    whole_run: bool,
    literal: u64,
    is_word: &mut dyn FnMut(&str) -> bool,
) -> Option<u64> {
    if chars.len() < MIN_WORD_CHARS && !whole_run {
        return None;
    }
    let case = capitals(chars);
    let digits = lower.iter().filter(|c| c.is_ascii_digit()).count();
    let word = WORD_BITS[chars.len() - 1];
    // A look-up that cannot beat the characters' own cost is not made.
    if word + case + 1000 * digits as u64 >= literal {
        return None;
    }
    let text: String = lower.iter().collect();
    if is_word(&text) {
        return Some(word + case);
    }
    if digits == 0 || digits == lower.len() {
        return None;
    }
    // `1` stands for `i` or `l`; each digit read as a letter costs a bit.
    for one in ['i', 'l'] {
        let plain: String = lower.iter().map(|&c| unl33t(c, one)).collect();
        if plain.chars().all(|c| c.is_ascii_alphabetic()) && is_word(&plain) {
            return Some(word + case + 1000 * digits as u64);
        }
    }
    None
}

fn unl33t(c: char, one: char) -> char {
    match c {
        '0' => 'o',
        '1' => one,
        '2' => 'z',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '6' | '9' => 'g',
        '7' => 't',
        '8' => 'b',
        other => other,
    }
}

/// The bits to say which letters are capitals: none when there are none, one for all capitals
/// or only the first or last, else the choice of which (as zxcvbn counts them).
fn capitals(chars: &[char]) -> u64 {
    capital_bits(
        chars.iter().filter(|c| c.is_uppercase()).count(),
        chars.iter().filter(|c| c.is_lowercase()).count(),
        chars.first().is_some_and(|c| c.is_uppercase()),
        chars.last().is_some_and(|c| c.is_uppercase()),
    )
}

fn capital_bits(upper: usize, lower: usize, first_upper: bool, last_upper: bool) -> u64 {
    if upper == 0 {
        return 0;
    }
    if lower == 0 || (upper == 1 && (first_upper || last_upper)) {
        return 1000;
    }
    let n = upper + lower;
    let choices: f64 = (1..=upper.min(lower)).map(|k| binomial(n, k)).sum();
    millibits(choices.log2())
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * as_f64(n - i) / as_f64(i + 1))
}

fn as_f64(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Where a letter or digit sits on a US QWERTY keyboard: row (0 is the digits) and column.
fn key(c: char) -> Option<(i8, i8)> {
    const ROWS: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];
    ROWS.iter().zip(0_i8..).find_map(|(row, r)| {
        row.chars()
            .zip(0_i8..)
            .find(|&(k, _)| k == c)
            .map(|(_, col)| (r, col))
    })
}

/// The direction from one key to a neighbour, rows offset by half a key: left, right, up-left,
/// up-right, down-left, down-right.
fn direction(from: (i8, i8), to: (i8, i8)) -> Option<u8> {
    match (to.0 - from.0, to.1 - from.1) {
        (0, -1) => Some(0),
        (0, 1) => Some(1),
        (-1, 0) => Some(2),
        (-1, 1) => Some(3),
        (1, -1) => Some(4),
        (1, 0) => Some(5),
        _ => None,
    }
}

/// A short part repeated back to back (`abab`, `xxxx`): the part at the alphabet's rate, and
/// how many times.
fn repeat(chars: &[char], literal: u64) -> Option<u64> {
    let n = chars.len();
    (1..=n / 2)
        .filter(|unit| n.is_multiple_of(*unit))
        .find(|&unit| chars.chunks_exact(unit).all(|c| c == &chars[..unit]))
        .map(|unit| literal / n as u64 * unit as u64 + millibits(log2(n / unit)))
}

/// A year from 1900 to 2099, or a date of eight digits with one (`20240131`, `31012024`).
fn date(chars: &[char]) -> Option<u64> {
    if !chars.iter().all(char::is_ascii_digit) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        chars[range]
            .iter()
            .fold(0_u32, |n, c| n * 10 + c.to_digit(10).unwrap_or(0))
    };
    let year = |range| (1900..=2099).contains(&number(range));
    let day_month = |d, m| (1..=31).contains(&number(d)) && (1..=12).contains(&number(m));
    match chars.len() {
        4 if year(0..4) => Some(millibits(log2(200))),
        8 if (year(0..4) && day_month(6..8, 4..6))
            || (year(4..8) && (day_month(0..2, 2..4) || day_month(2..4, 0..2))) =>
        {
            Some(millibits(log2(200 * 366)))
        }
        _ => None,
    }
}
