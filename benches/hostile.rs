//! What rejecting hostile input costs, against the budget of issue 12: for every input up to
//! [`Verifier::MAX_TOKEN_LEN`], rejecting it costs at most the larger of 10x a valid verify of the product's
//! token and 2x an HMAC-SHA256 over the same bytes. The cases signed with the key (only a key
//! holder can make them) have the budget of issue 16 as well: at most 3x an HMAC-SHA256 over the
//! same bytes, and no more than `jsonwebtoken` 12's `decode` spends on the same token (with
//! `Validation::new(HS256)`, into a `serde_json::Map` for the cases read into one, else into the
//! product's registered claims).
//!
//! ```sh
//! cargo bench --bench hostile                       # rust-crypto backend
//! cargo bench --bench hostile --no-default-features --features aws-lc-rs
//! ```
//!
//! Each case is a token an attacker can send (or, marked "signed", one whose payload only a holder
//! of the secret can sign, so that the claims parser runs on it). After the measurements it prints
//! each case's median, the HMAC over the same bytes, and the ratio to the budget. Speed is not
//! asserted: a case over budget is reported as `OVER`, to be fixed in the library.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::Criterion;
use jwt_auth::{Issuer, Secret, Verifier};

/// `openssl rand -hex 32`, as in production.
const SECRET: &str = "ec67705a52ace3b4b1f8a22055baa064e8a12889e724bace163bf8e987ee63b4";
/// The header every peer writes.
const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
/// A payload the policy accepts until 2100, for the cases that need the parser to get past `exp`.
const CLAIMS_START: &str = r#"{"sub":"42","exp":4102444800,"x":"#;

mod common;

use common::{MacKey, median_ns};

/// What `jsonwebtoken::decode` reads the cases not read into a map into: the registered claims
/// the verifier reads.
#[derive(serde::Deserialize)]
#[allow(dead_code)] // read, never used
struct Registered {
    sub: Option<String>,
    exp: Option<serde_json::Value>,
    iat: Option<i64>,
}

/// `jsonwebtoken::decode` on a token, as its user writes it; whether it accepted the token.
fn jsonwebtoken_decode(
    key: &jsonwebtoken::DecodingKey,
    validation: &jsonwebtoken::Validation,
    case: &Case,
) -> bool {
    if case.custom {
        jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            black_box(&case.token),
            key,
            validation,
        )
        .is_ok()
    } else {
        jsonwebtoken::decode::<Registered>(black_box(&case.token), key, validation).is_ok()
    }
}

/// A hostile token and what it is.
struct Case {
    name: &'static str,
    token: String,
    /// Read with `verify_as::<serde_json::Map<..>>`, so that every custom claim is parsed.
    custom: bool,
}

fn b64(json: &str) -> String {
    URL_SAFE_NO_PAD.encode(json)
}

/// A token with a signature that does not match.
fn forged(header: &str, payload: &str) -> String {
    format!("{}.{}.{}", b64(header), b64(payload), "A".repeat(43))
}

/// A token with a valid signature over whatever `header` and `payload` are.
fn signed(key: &MacKey, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(payload));
    let tag = key.tag(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(tag))
}

/// How many bytes of JSON fill a segment so that the token, with `other` bytes of JSON in the
/// other JSON segment, stays within the cap.
fn fill(other: usize) -> usize {
    // Two dots, a 43-character signature, and base64's 4 characters per 3 bytes.
    let other_encoded = (other * 4).div_ceil(3);
    (Verifier::MAX_TOKEN_LEN - 2 - 43 - other_encoded) * 3 / 4
}

/// `start`, then `unit` as often as fits in `len` bytes before `end`.
fn repeat_within(start: &str, unit: &str, end: &str, len: usize) -> String {
    let count = (len - start.len() - end.len()) / unit.len();
    format!("{start}{}{end}", unit.repeat(count))
}

/// Distinct short names: `a`, `b`, …, `aa`, `ab`, …
fn name(mut i: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut name = String::new();
    loop {
        name.push(char::from(ALPHABET[i % ALPHABET.len()]));
        i /= ALPHABET.len();
        if i == 0 {
            return name;
        }
        i -= 1;
    }
}

/// An object of `{"alg":"HS256"` then as many distinct members `"name":0` as fit in `len` bytes,
/// then `last` (which may repeat the first name).
fn many_members(start: &str, last: &str, len: usize) -> String {
    let mut json = start.to_owned();
    for i in 0.. {
        let member = format!(r#","{}":0"#, name(i));
        if json.len() + member.len() + last.len() + 1 > len {
            break;
        }
        json.push_str(&member);
    }
    write!(json, "{last}}}").unwrap();
    json
}

#[allow(clippy::too_many_lines)] // one entry per case reads better than a split
fn cases(key: &MacKey) -> Vec<Case> {
    let small = r#"{"sub":"42","exp":4102444800}"#;
    // The largest header the verifier parses; a forged payload fills the rest of the token.
    let header_room = jwt_auth::Verifier::MAX_HEADER_LEN * 3 / 4;
    let with_filler = |header: &str| {
        let filler = repeat_within(CLAIMS_START, "0", "}", fill(header.len()));
        forged(header, &filler)
    };
    let payload_room = fill(HEADER.len());
    let hdr = r#"{"alg":"HS256","x":"#;
    let mut cases = Vec::new();
    let mut add = |name, token: String, custom| {
        assert!(
            token.len() <= Verifier::MAX_TOKEN_LEN,
            "{name}: {} bytes",
            token.len()
        );
        cases.push(Case {
            name,
            token,
            custom,
        });
    };

    // Shape: no JSON at all.
    add("dots", ".".repeat(Verifier::MAX_TOKEN_LEN), false);
    add("one segment", "A".repeat(Verifier::MAX_TOKEN_LEN), false);
    add(
        "four segments",
        format!("{}...", "A".repeat(Verifier::MAX_TOKEN_LEN - 3)),
        false,
    );
    add(
        "base64 garbage",
        format!(
            "{}.e30.{}",
            "!".repeat(Verifier::MAX_TOKEN_LEN - 48),
            "A".repeat(43)
        ),
        false,
    );
    let mut late = b64(&"A".repeat(fill(small.len())));
    late.pop();
    late.push('!');
    add(
        "header base64, bad last byte",
        format!("{late}.{}.{}", b64(small), "A".repeat(43)),
        false,
    );
    let long_sig = b64(&"A".repeat(fill(HEADER.len() + small.len())));
    add(
        "signature 6 KiB",
        format!("{}.{}.{long_sig}", b64(HEADER), b64(small)),
        false,
    );
    add(
        "forged, payload 6 KiB",
        forged(HEADER, &repeat_within(CLAIMS_START, "0", "}", payload_room)),
        false,
    );

    // The header: parsed before the signature is checked, so anyone can make us parse it; the
    // longest the verifier parses, with a forged payload up to the token cap.
    add(
        "header over the cap",
        forged(
            &many_members(r#"{"alg":"HS256""#, "", fill(small.len())),
            small,
        ),
        false,
    );
    add(
        "header, most distinct members",
        with_filler(&many_members(r#"{"alg":"HS256""#, "", header_room)),
        false,
    );
    add(
        "header, most members, last repeats",
        with_filler(&many_members(
            r#"{"alg":"HS256""#,
            r#","alg":0"#,
            header_room,
        )),
        false,
    );
    add(
        "header, most identical members",
        with_filler(&repeat_within(
            r#"{"alg":"HS256""#,
            r#","a":0"#,
            "}",
            header_room,
        )),
        false,
    );
    add(
        "header, nested arrays",
        with_filler(&repeat_within(hdr, "[", "", header_room)),
        false,
    );
    add(
        "header, nested arrays, closed",
        with_filler(&{
            let depth = (header_room - hdr.len() - 1) / 2;
            format!("{hdr}{}{}}}", "[".repeat(depth), "]".repeat(depth))
        }),
        false,
    );
    add(
        "header, nested objects",
        with_filler(&repeat_within(hdr, r#"{"a":"#, "", header_room)),
        false,
    );
    add(
        "header, 127-deep arrays, repeated",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":[0"#,
            &format!(",{}{}", "[".repeat(126), "]".repeat(126)),
            "]}",
            header_room,
        )),
        false,
    );
    add(
        "header, string of escapes",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":""#,
            r"\n",
            "\"}",
            header_room,
        )),
        false,
    );
    add(
        "header, \\u escapes",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":""#,
            r"\u0041",
            "\"}",
            header_room,
        )),
        false,
    );
    add(
        "header, surrogate pairs, lone last",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":""#,
            r"\ud83d\ude00",
            r#"\ud800"}"#,
            header_room,
        )),
        false,
    );
    add(
        "header, escaped names",
        with_filler(&repeat_within(
            r#"{"alg":"HS256""#,
            r#","\u0061\u0062":0"#,
            "}",
            header_room,
        )),
        false,
    );
    add(
        "header, long escaped alg",
        with_filler(&repeat_within(r#"{"alg":""#, r"\u2028", "\"}", header_room)),
        false,
    );
    add(
        "header, unknown long kid",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","kid":""#,
            "k",
            "\"}",
            header_room,
        )),
        false,
    );
    add(
        "header, huge integer",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":[1"#,
            "1",
            "]}",
            header_room,
        )),
        false,
    );
    add(
        "header, long fraction",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":[0."#,
            "0",
            "1]}",
            header_room,
        )),
        false,
    );
    add(
        "header, huge exponent",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":[1e"#,
            "9",
            "]}",
            header_room,
        )),
        false,
    );
    add(
        "header, most numbers",
        with_filler(&repeat_within(
            r#"{"alg":"HS256","x":[0"#,
            ",1.5e3",
            "]}",
            header_room,
        )),
        false,
    );
    add(
        "header, whitespace",
        with_filler(&repeat_within("{", " ", r#""alg":"HS256"}"#, header_room)),
        false,
    );

    // The payload, validly signed: the parser runs only for a holder of the secret, but its
    // cost must still be bounded.
    let claims = |unit: &str, end: &str| repeat_within(CLAIMS_START, unit, end, payload_room);
    add(
        "signed, nested arrays in a claim",
        signed(key, HEADER, &claims("[", "")),
        false,
    );
    add(
        "signed, nested arrays, custom map",
        signed(key, HEADER, &claims("[", "")),
        true,
    );
    add(
        "signed, 127-deep arrays, custom map",
        signed(
            key,
            HEADER,
            &repeat_within(
                r#"{"sub":"42","exp":4102444800,"x":[0"#,
                &format!(",{}{}", "[".repeat(126), "]".repeat(126)),
                "]}",
                payload_room,
            ),
        ),
        true,
    );
    add(
        "signed, 1k claims, last repeats",
        signed(
            key,
            HEADER,
            &many_members(
                r#"{"sub":"42","exp":4102444800"#,
                r#","sub":"1""#,
                payload_room,
            ),
        ),
        true,
    );
    add(
        "signed, 64 long names, last repeats",
        signed(key, HEADER, &{
            // Names of one length sharing their first bytes, so that finding the repeat compares
            // whole names.
            let name_len = (payload_room - 40) / jwt_auth::Verifier::MAX_JSON_MEMBERS - 6;
            let name = |i: usize| format!("{}{i:04}", "n".repeat(name_len - 4));
            let mut json = String::from(r#"{"sub":"42","exp":4102444800"#);
            for i in 0..jwt_auth::Verifier::MAX_JSON_MEMBERS - 3 {
                write!(json, r#","{}":0"#, name(i)).unwrap();
            }
            write!(json, r#","{}":0}}"#, name(0)).unwrap();
            json
        }),
        true,
    );
    add(
        "signed, array of zeros",
        signed(
            key,
            HEADER,
            &repeat_within(
                r#"{"sub":"42","exp":4102444800,"x":[0"#,
                ",0",
                "]}",
                payload_room,
            ),
        ),
        true,
    );
    add(
        "signed, surrogates, lone last",
        signed(
            key,
            HEADER,
            &repeat_within(
                r#"{"sub":"42","exp":4102444800,"x":""#,
                r"\ud83d\ude00",
                r#"\ud800"}"#,
                payload_room,
            ),
        ),
        true,
    );
    add(
        "signed, huge exp",
        signed(
            key,
            HEADER,
            &repeat_within(r#"{"sub":"42","exp":1"#, "1", "}", payload_room),
        ),
        false,
    );
    cases
}

/// Criterion's directory name for a benchmark name (its `make_filename_safe`).
fn dir(name: &str) -> String {
    name.replace(['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'], "_")
}

fn main() {
    let started = SystemTime::now();
    let secret = Secret::new(SECRET).unwrap();
    let verifier = Verifier::new(&secret);
    let key = MacKey::new(SECRET.as_bytes());
    let product = Issuer::new(&secret)
        .issue("123456", Some("ada@example.com"))
        .unwrap();
    let cases = cases(&key);
    let jwt_key = jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()).expect("a key");
    let jwt_validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    for case in &cases {
        let result = if case.custom {
            verifier
                .verify_as::<serde_json::Map<String, serde_json::Value>>(&case.token)
                .map(drop)
        } else {
            verifier.verify(&case.token).map(drop)
        };
        let err = result.expect_err(case.name);
        println!("{:<38} {:>5} bytes: {err}", case.name, case.token.len());
        if case.name.starts_with("signed") {
            let accepted = jsonwebtoken_decode(&jwt_key, &jwt_validation, case);
            println!(
                "{:<38} jsonwebtoken::decode {}",
                "",
                if accepted { "ACCEPTS it" } else { "refuses it" }
            );
        }
    }

    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
        .configure_from_args();
    let mut group = c.benchmark_group("hostile");
    group.bench_function("valid product token", |b| {
        b.iter(|| verifier.verify(black_box(&product)).unwrap());
    });
    // Each case is followed at once by the HMAC over as many bytes, so that the two are measured
    // under the same load on a shared machine.
    for case in &cases {
        group.bench_function(case.name, |b| {
            if case.custom {
                b.iter(|| {
                    verifier
                        .verify_as::<serde_json::Map<String, serde_json::Value>>(black_box(
                            &case.token,
                        ))
                        .unwrap_err()
                });
            } else {
                b.iter(|| verifier.verify(black_box(&case.token)).unwrap_err());
            }
        });
        let bytes = vec![b'A'; case.token.len()];
        group.bench_function(format!("{} (HMAC)", case.name), |b| {
            b.iter(|| key.tag(black_box(&bytes)));
        });
        if case.name.starts_with("signed") {
            group.bench_function(format!("{} (jsonwebtoken)", case.name), |b| {
                b.iter(|| jsonwebtoken_decode(&jwt_key, &jwt_validation, case));
            });
        }
    }
    group.finish();
    c.final_summary();
    summary(&cases, started);
}

/// Each case's median against its budgets, from what criterion wrote in this run.
fn summary(cases: &[Case], started: SystemTime) {
    let Some(valid) = median_ns("hostile", &dir("valid product token"), started) else {
        println!("\n(no summary: run the whole bench, without a filter, to get the ratios)");
        return;
    };
    println!(
        "\nSummary ({} backend), medians of this run; budget = max(10 x valid verify {valid:.0} ns, \
         2 x HMAC over the same bytes):",
        jwt_auth::CRYPTO_BACKEND
    );
    println!(
        "  {:<38} {:>6} {:>10} {:>10} {:>10} {:>6}",
        "case", "bytes", "median ns", "HMAC ns", "budget ns", "ratio"
    );
    let mut over = 0;
    let mut signed = Vec::new();
    for case in cases {
        let (Some(median), Some(hmac)) = (
            median_ns("hostile", &dir(case.name), started),
            median_ns("hostile", &dir(&format!("{} (HMAC)", case.name)), started),
        ) else {
            println!("  {:<38} (not run)", case.name);
            continue;
        };
        let budget = (10.0 * valid).max(2.0 * hmac);
        let ratio = median / budget;
        if ratio > 1.0 {
            over += 1;
        }
        println!(
            "  {:<38} {:>6} {median:>10.0} {hmac:>10.0} {budget:>10.0} {ratio:>6.2} {}",
            case.name,
            case.token.len(),
            if ratio > 1.0 { "OVER" } else { "ok" }
        );
        if let Some(jwt) = median_ns(
            "hostile",
            &dir(&format!("{} (jsonwebtoken)", case.name)),
            started,
        ) {
            signed.push((case.name, median, hmac, jwt));
        }
    }
    println!("  {over} case(s) over budget");
    if signed.is_empty() {
        return;
    }
    println!(
        "\nSigned cases against the budget of issue 16: at most 3 x HMAC over the same bytes, and \
         no more than jsonwebtoken::decode on the same token:"
    );
    println!(
        "  {:<38} {:>10} {:>10} {:>12} {:>9} {:>9}",
        "case", "median ns", "HMAC ns", "jsonwebtoken", "/ 3xHMAC", "/ jwt"
    );
    let mut over = 0;
    for (name, median, hmac, jwt) in signed {
        let (per_hmac, per_jwt) = (median / (3.0 * hmac), median / jwt);
        let ok = per_hmac <= 1.0 && per_jwt <= 1.0;
        if !ok {
            over += 1;
        }
        println!(
            "  {name:<38} {median:>10.0} {hmac:>10.0} {jwt:>12.0} {per_hmac:>9.2} {per_jwt:>9.2} {}",
            if ok { "ok" } else { "OVER" }
        );
    }
    println!("  {over} signed case(s) over the issue-16 budget");
}
