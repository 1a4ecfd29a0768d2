//! The data read in place from `../shared` ([`shared_file`]): a missing file fails the test when
//! `CI` is set, and is a loud skip otherwise. Checked by running this test binary again, on a
//! file that does not exist, with and without `CI`.

use std::process::Command;

use crate::common::shared_file;

const MISSING: &str = "data/no-such-file-jwt-auth-checks-for.txt";

/// Run only by [`a_missing_shared_file_fails_under_ci_and_skips_loudly_otherwise`].
#[test]
#[ignore = "run by a_missing_shared_file_fails_under_ci_and_skips_loudly_otherwise"]
fn reads_a_missing_shared_file() {
    assert_eq!(shared_file(MISSING), None);
}

fn run_reader(ci: Option<&str>) -> (bool, String) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args([
        "--ignored",
        "--exact",
        "shared_data::reads_a_missing_shared_file",
        "--nocapture",
        "--test-threads=1",
    ]);
    match ci {
        Some(value) => command.env("CI", value),
        None => command.env_remove("CI"),
    };
    let output = command.output().unwrap();
    let mut text = String::from_utf8(output.stdout).unwrap();
    text.push_str(&String::from_utf8(output.stderr).unwrap());
    (output.status.success(), text)
}

#[test]
fn a_missing_shared_file_fails_under_ci_and_skips_loudly_otherwise() {
    let path = format!("{}/../shared/{MISSING}", env!("CARGO_MANIFEST_DIR"));
    let (passed, output) = run_reader(None);
    assert!(passed, "{output}");
    assert!(
        output.contains(&format!("SKIPPED: {path} is missing (")),
        "{output}"
    );
    for ci in ["true", "1", ""] {
        let (passed, output) = run_reader(Some(ci));
        assert!(!passed, "CI={ci:?}: {output}");
        assert!(
            output.contains(&format!("{path} is required when CI is set (CI={ci})")),
            "CI={ci:?}: {output}"
        );
    }
}
