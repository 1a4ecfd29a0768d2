//! Echoing attacker-chosen text in an error: truncated and escaped so that it is safe to log.

/// How much of an attacker-chosen name or value (`alg`, `typ`, a claim name) an error keeps:
/// enough to recognise it in a log, not enough to flood one.
pub(crate) const ECHOED_VALUE_CHARS: usize = 64;
/// How much of a parser's message (which may quote the token) an error keeps.
pub(crate) const ECHOED_MESSAGE_CHARS: usize = 200;

/// An attacker-chosen string made safe to log, at most `limit` characters long (plus `…` when
/// cut). Escaped as `\n`, `\u{1b}`, `\u{2028}`…, so that it can neither forge a log line nor change
/// how one reads: control characters (line breaks, NEL, ANSI escapes), the Unicode line and
/// paragraph separators, the direction marks, embeddings, overrides and isolates that reorder the
/// text around them on screen, and whatever else Rust's `Debug` would escape (unassigned and
/// invisible code points, combining marks). An escape is never cut in two.
pub(crate) fn echo(value: &str, limit: usize) -> String {
    let mut echoed = String::with_capacity(value.len().min(limit));
    let mut len = 0;
    for c in value.chars() {
        let escaped = needs_escape(c);
        let width = if escaped { c.escape_default().len() } else { 1 };
        if len + width > limit {
            echoed.push('…');
            break;
        }
        if escaped {
            echoed.extend(c.escape_default());
        } else {
            echoed.push(c);
        }
        len += width;
    }
    echoed
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
        || (c.escape_debug().len() > 1 && !matches!(c, '\\' | '"' | '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_escapes_line_and_direction_controls() {
        for c in [
            '\n',
            '\r',
            '\u{1b}',
            '\u{85}',
            '\u{2028}',
            '\u{2029}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{E0001}',
            '\u{FFFF}',
            '\u{301}',
        ] {
            let echoed = echo(&format!("a{c}b"), 64);
            assert_eq!(echoed, format!("a{}b", c.escape_default()), "{c:?}");
            assert!(!echoed.contains(c), "{c:?}");
        }
        assert_eq!(echo("user\u{202E}nimda", 64), r"user\u{202e}nimda");
        assert_eq!(echo(r#"é "quoted" \ ü"#, 64), r#"é "quoted" \ ü"#);
    }

    #[test]
    fn echo_is_bounded_in_characters_and_never_cuts_an_escape() {
        assert_eq!(echo(&"x".repeat(64), 64), "x".repeat(64));
        assert_eq!(echo(&"x".repeat(65), 64), format!("{}…", "x".repeat(64)));
        let escapes = echo(&"\u{2028}".repeat(100), 64);
        assert_eq!(escapes, format!("{}…", r"\u{2028}".repeat(8)));
        let cut = echo(&format!("{}\u{2028}", "x".repeat(60)), 64);
        assert_eq!(cut, format!("{}…", "x".repeat(60)));
    }
}
