//! Usage errors, `--help` and `--version`.

use crate::run;

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &[][..],
        &["nope"],
        &["secret"],
        &["token", "verify", "--leeway", "60"],
        &["token", "verify", "--now", "x"],
    ] {
        let out = run(args, &[], None);
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert!(!out.stderr.is_empty());
    }
    let out = run(&["--help"], &[], None);
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit status: 0 success, 1 refused"));
    let out = run(&["--version"], &[], None);
    assert_eq!(
        out.stdout,
        format!("jwt-auth {}\n", env!("CARGO_PKG_VERSION"))
    );
}
