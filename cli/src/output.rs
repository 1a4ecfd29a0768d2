//! What a command produced, and how it is written: text or JSON, standard output or error.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use jwt_auth::time::{Duration, OffsetDateTime, UtcOffset};
use serde_json::{Value, json};

use crate::duration::format_duration;

/// A command's result: something to print and whether it is a refusal (exit 1).
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Exit 1 instead of 0; the text goes to standard error instead of standard output.
    pub(crate) refused: bool,
    /// The text for a human.
    pub(crate) text: String,
    /// Side remarks for a human (warnings, hints), always on standard error.
    pub(crate) notes: Vec<String>,
    /// The same result for a script.
    pub(crate) json: Value,
}

impl Outcome {
    /// A success.
    pub(crate) fn success(text: String, json: Value) -> Self {
        Self {
            refused: false,
            text,
            notes: Vec::new(),
            json,
        }
    }

    /// A refusal: exit status 1.
    pub(crate) fn refused(text: String, json: Value) -> Self {
        Self {
            refused: true,
            text,
            notes: Vec::new(),
            json,
        }
    }

    /// Adds side remarks; in JSON they become the `"warnings"` array.
    #[must_use]
    pub(crate) fn with_notes(mut self, notes: Vec<String>) -> Self {
        if !notes.is_empty()
            && let Value::Object(map) = &mut self.json
        {
            map.insert("warnings".into(), json!(notes));
        }
        self.notes = notes;
        self
    }
}

/// The command could not run as invoked (exit status 2): bad or missing input.
#[derive(Debug)]
pub(crate) struct UsageError {
    message: String,
}

impl UsageError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

/// Writes `outcome` and returns the exit status. Write errors (a closed pipe) are ignored: there
/// is nobody left to tell.
pub(crate) fn emit(outcome: &Outcome, json: bool) -> ExitCode {
    if json {
        let mut text = serde_json::to_string_pretty(&outcome.json).unwrap_or_default();
        text.push('\n');
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    } else {
        let mut err = String::new();
        for note in &outcome.notes {
            let _ = writeln!(err, "{note}");
        }
        if outcome.refused {
            err.push_str(&outcome.text);
        } else {
            let _ = std::io::stdout().lock().write_all(outcome.text.as_bytes());
        }
        let _ = std::io::stderr().lock().write_all(err.as_bytes());
    }
    ExitCode::from(u8::from(outcome.refused))
}

/// Writes a usage error on standard error and returns exit status 2.
pub(crate) fn emit_usage_error(error: &UsageError) -> ExitCode {
    let _ = writeln!(
        std::io::stderr().lock(),
        "jwt-auth: error: {}",
        error.message
    );
    ExitCode::from(2)
}

/// RFC 3339 in UTC, `2026-01-08T00:00:00Z`, in text and JSON alike: the format of the library's
/// own messages and of most logs.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// `in 6 d 23 h`, `3 min ago`, or `now` within a second.
pub(crate) fn relative(t: OffsetDateTime, now: OffsetDateTime) -> String {
    let delta = t - now;
    if delta.whole_seconds() == 0 {
        "now".to_owned()
    } else if delta.is_positive() {
        format!("in {}", format_duration(delta))
    } else {
        format!("{} ago", format_duration(delta.abs()))
    }
}

/// A time for a human: `2026-01-08T00:00:00Z (in 6 d 23 h)`.
pub(crate) fn when(t: OffsetDateTime, now: OffsetDateTime) -> String {
    format!("{} ({})", rfc3339(t), relative(t, now))
}

/// A time for a script: `{"unix": …, "utc": "…Z", "relative": "in …", "seconds_from_now": …}`.
pub(crate) fn when_json(t: OffsetDateTime, now: OffsetDateTime) -> Value {
    json!({
        "unix": t.unix_timestamp(),
        "utc": rfc3339(t),
        "relative": relative(t, now),
        "seconds_from_now": (t - now).whole_seconds(),
    })
}

/// A duration for a script: whole seconds.
pub(crate) fn seconds(d: Duration) -> i64 {
    d.whole_seconds()
}
