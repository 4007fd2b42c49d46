//! `rebound import`: stored bounces (an mbox and a directory) into one account's ledger,
//! idempotently; unreadable inputs are reported and the rest still imported.

mod common;

use std::process::Command;

use common::{Server, dsn, temp_dir};

#[test]
fn import_applies_stored_bounces_once_and_reports_unreadable_inputs() {
    let dir = temp_dir("import");
    let s = Server::fresh("import", &[]);
    let (id, key) = s.account("a");
    let db = s.kill();
    // An mbox of two bounces and a directory with one more.
    let mbox = ["a1@example.test", "a2@example.test"]
        .iter()
        .map(|a| {
            format!(
                "From MAILER-DAEMON Thu Nov 26 10:00:00 2026\n{}\n",
                dsn(a, "5.1.1", "550 5.1.1 user unknown", "m@sender.test").replace("\r\n", "\n")
            )
        })
        .collect::<String>();
    std::fs::write(dir.join("bounces.mbox"), mbox).unwrap();
    std::fs::create_dir_all(dir.join("more")).unwrap();
    std::fs::write(
        dir.join("more/1.eml"),
        dsn(
            "a3@example.test",
            "5.2.2",
            "552 5.2.2 mailbox full",
            "m@sender.test",
        ),
    )
    .unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_rebound"))
            .args(["import", "--db", &db, "--account", &id.to_string()])
            .arg(dir.join("bounces.mbox"))
            .arg(dir.join("more"))
            .arg(dir.join("missing.eml"))
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(1), "the missing input is an error");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            summary["messages"].clone(),
            summary["records"].clone(),
            summary["errors"].clone()
        ),
        (3.into(), 3.into(), 1.into()),
        "{summary}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.eml"));
    let again: serde_json::Value = serde_json::from_slice(&run().stdout).unwrap();
    assert_eq!(
        (again["records"].clone(), again["duplicates"].clone()),
        (0.into(), 3.into()),
        "{again}"
    );
    let s = Server::start(&db, &[]);
    for (a, reason) in [
        ("a1@example.test", "unknown_user"),
        ("a2@example.test", "unknown_user"),
        ("a3@example.test", "mailbox_full"),
    ] {
        assert_eq!(s.contact(&key, a)["email_hard_bounce_reason"], reason);
    }
    let unknown = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args(["import", "--db", &db, "--account", "999", "-"])
        .output()
        .unwrap();
    assert_ne!(unknown.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account 999"));
}
