//! Durations on the command line (`7d`, `12h`, `30m`, `45s`, `1h30m`) and in output (`6 d 23 h`).

use jwt_auth::time::Duration;

/// The longest duration accepted anywhere: 100 years. Anything longer is a typo, and keeping
/// well inside `time`'s range means no arithmetic on it can overflow.
const MAX_SECONDS: i64 = 100 * 366 * 86_400;

const UNITS: &str = "d (days), h (hours), m (minutes) or s (seconds)";

/// Parses `7d`, `12h`, `30m`, `45s`, or a sum such as `1h30m`. Zero (`0s`) is allowed.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    if text.is_empty() {
        return Err(format!(
            "empty duration: write a number and a unit, {UNITS}, such as 7d"
        ));
    }
    let mut total: i64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!(
                "{text:?} is not a duration: expected a number at {rest:?}"
            ));
        }
        let (number, after) = rest.split_at(digits);
        let unit_len = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let scale = match unit {
            "d" => 86_400,
            "h" => 3_600,
            "m" | "min" => 60,
            "s" => 1,
            "" => {
                return Err(format!(
                    "{text:?} has no unit: write {number}s for seconds, or use {UNITS}"
                ));
            }
            other => return Err(format!("unknown unit {other:?} in {text:?}: use {UNITS}")),
        };
        total = number
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .and_then(|n| n.checked_add(total))
            .filter(|n| *n <= MAX_SECONDS)
            .ok_or_else(|| format!("{text:?} is too long: the limit is 100 years"))?;
        rest = after;
    }
    Ok(Duration::seconds(total))
}

/// Parses a duration that must be positive (a token lifetime).
pub(crate) fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_positive() {
        Ok(duration)
    } else {
        Err(format!(
            "{text:?} is not a positive duration: a token must live for some time"
        ))
    }
}

/// The two largest units of `d`: `6 d 23 h`, `5 min 3 s`, `45 s`. Sign ignored.
pub(crate) fn format_duration(d: Duration) -> String {
    let total = d.whole_seconds().unsigned_abs();
    let parts = [
        (total / 86_400, "d"),
        (total % 86_400 / 3_600, "h"),
        (total % 3_600 / 60, "min"),
        (total % 60, "s"),
    ];
    let Some(first) = parts.iter().position(|(n, _)| *n > 0) else {
        return "0 s".to_owned();
    };
    parts[first..]
        .iter()
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_sums() {
        assert_eq!(parse_duration("7d"), Ok(Duration::days(7)));
        assert_eq!(parse_duration("12h"), Ok(Duration::hours(12)));
        assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
        assert_eq!(parse_duration("30min"), Ok(Duration::minutes(30)));
        assert_eq!(parse_duration("45s"), Ok(Duration::seconds(45)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for bad in [
            "",
            "60",
            "7",
            "d",
            "-5s",
            "7 d",
            "7days",
            "1.5h",
            "99999999999999999999s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} parsed");
        }
        assert!(parse_duration("36700d").is_err());
        assert!(parse_positive_duration("0s").is_err());
    }

    #[test]
    fn formats_the_two_largest_units() {
        assert_eq!(
            format_duration(Duration::days(7) - Duration::hours(1)),
            "6 d 23 h"
        );
        assert_eq!(format_duration(Duration::days(7)), "7 d");
        assert_eq!(format_duration(Duration::seconds(303)), "5 min 3 s");
        assert_eq!(format_duration(Duration::seconds(-45)), "45 s");
        assert_eq!(format_duration(Duration::ZERO), "0 s");
        assert_eq!(format_duration(Duration::seconds(86_401)), "1 d");
    }
}
