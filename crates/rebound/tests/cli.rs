//! `rebound classify` end to end: files, directories, mbox, Maildir, standard input, the three
//! output formats, a policy file, and unreadable input. Uses the fixtures of `rebound-parse`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../rebound-parse/tests/fixtures")
        .join(name)
}

fn rebound(args: &[&str], stdin: Option<&[u8]>) -> (String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rebound"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .spawn()
        .expect("run rebound");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn records(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rebound-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn one_file_gives_the_spec_fields() {
    let f = fixture("postfix-utf8-as-ascii.eml");
    let (out, code) = rebound(&["classify", f.to_str().unwrap()], None);
    assert_eq!(code, 0);
    let r = &records(&out)[0];
    for key in [
        "file",
        "recipient",
        "action",
        "status",
        "reply_code",
        "diagnostic",
        "remote_mta",
        "cause",
        "type",
        "reason",
        "original_message_id",
        "engine",
    ] {
        assert!(r.get(key).is_some(), "missing {key}");
    }
    assert_eq!(r["recipient"], "anna@recipient.test");
    assert_eq!(r["type"], "hard");
    assert_eq!(r["reason"], "unknown_user");
    assert_eq!(r["original_message_id"], "<campaign-42.anna@sender.test>");
}

#[test]
fn stdin_mbox_and_maildir_read_every_message() {
    let names = [
        "postfix-utf8-as-ascii.eml",
        "headers-only-return.eml",
        "vacation-reply.eml",
    ];
    let bodies: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(fixture(n)).unwrap())
        .collect();

    let (out, code) = rebound(&["classify", "-"], Some(&bodies[0]));
    assert_eq!(code, 0);
    assert_eq!(records(&out).len(), 1);
    assert_eq!(records(&out)[0]["file"], "-");

    let dir = temp_dir("inputs");
    let mut mbox = Vec::new();
    for b in &bodies {
        mbox.extend_from_slice(b"From MAILER-DAEMON Thu Nov  5 10:00:00 2026\n");
        mbox.extend_from_slice(b);
        mbox.extend_from_slice(b"\n");
    }
    let mbox_path = dir.join("bounces.mbox");
    std::fs::write(&mbox_path, &mbox).unwrap();
    let (out, _) = rebound(&["classify", mbox_path.to_str().unwrap()], None);
    let rs = records(&out);
    assert_eq!(rs.len(), 3, "{out}");
    assert!(rs[0]["file"].as_str().unwrap().ends_with("bounces.mbox"));
    assert_eq!(rs[0]["message"], 1);
    assert_eq!(rs[2]["message"], 3);
    assert_eq!(rs[2]["type"], "none");

    let maildir = dir.join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::write(maildir.join("cur/1.host:2,S"), &bodies[0]).unwrap();
    std::fs::write(maildir.join("new/2.host"), &bodies[1]).unwrap();
    // Still being delivered (maildir(5)): not read.
    std::fs::write(maildir.join("tmp/3.host"), &bodies[2]).unwrap();
    let (out, code) = rebound(&["classify", maildir.to_str().unwrap()], None);
    assert_eq!(code, 0);
    assert_eq!(records(&out).len(), 2, "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_and_table_formats() {
    let f = fixture("headers-only-return.eml");
    let (out, code) = rebound(&["classify", "--format", "json", f.to_str().unwrap()], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["reason"], "mailbox_full");
    let (out, _) = rebound(
        &["classify", "--format", "table", f.to_str().unwrap()],
        None,
    );
    assert!(out.lines().next().unwrap().starts_with("FILE"));
    assert!(out.contains("bo@full.test") && out.contains("mailbox_full"));
}

#[test]
fn unreadable_input_is_an_error_record_and_exit_1() {
    let f = fixture("headers-only-return.eml");
    let (out, code) = rebound(
        &["classify", "/nonexistent/path.eml", f.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 1);
    let rs = records(&out);
    assert!(rs[0]["error"].is_string());
    assert_eq!(
        rs[1]["recipient"], "bo@full.test",
        "valid input is still read"
    );
}

#[test]
fn policy_file_and_profiles_change_the_outcome() {
    let f = fixture("headers-only-return.eml");
    let dir = temp_dir("policy");
    let p = dir.join("policy.toml");
    std::fs::write(&p, "[causes]\nmailboxfull = { final = \"soft/recipient_unavailable\", trying = \"pending/recipient_unavailable\" }\n").unwrap();
    let (out, _) = rebound(
        &[
            "classify",
            "--policy",
            p.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(records(&out)[0]["type"], "soft");
    std::fs::write(
        &p,
        "[causes]\nmailboxfull = { final = \"hard/nonsense\", trying = \"x\" }\n",
    )
    .unwrap();
    let (_, code) = rebound(
        &[
            "classify",
            "--policy",
            p.to_str().unwrap(),
            f.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 2, "a bad policy file is refused");
    let spam = fixture("arf-complaint.eml");
    let (out, _) = rebound(
        &[
            "classify",
            "--profile",
            "time-limited",
            spam.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(records(&out)[0]["type"], "complaint");
    let _ = std::fs::remove_dir_all(&dir);
}
