//! The pages. Each handler asks the ledger and fills a template; nothing is decided here.

use std::collections::HashMap;

use askama::Template;
use axum::extract::Form;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use rebound_ledger::{Actor, RecipientView, Scope, Timestamp};

use crate::charts::{Bar, bars};
use crate::{Page, Params, Segment, Shared, Web, error_page};
use axum::extract::{Query, State};
use rebound_api::AppState;

/// What every page's frame needs.
pub struct Chrome {
    signed_in: bool,
    admin: bool,
    csrf: String,
    notice: Option<String>,
}

impl Chrome {
    fn of(web: &Web, q: &HashMap<String, String>) -> Chrome {
        Chrome {
            signed_in: true,
            admin: web.session.admin,
            csrf: web.session.csrf.clone(),
            notice: q.get("notice").cloned(),
        }
    }
}

/// Words for the snake_case names of SPEC §3 and the recipient statuses.
pub fn label(name: &str) -> &str {
    match name {
        "unknown_user" => "Unknown user",
        // How a one-to-one bounce was matched to its send: "matched <label> <message-id>".
        "in_reply_to" => "a reply to",
        "quoted_original" => "quoting",
        "recipient_time" => "by recipient and time, after",
        "mailbox_full" => "Mailbox full",
        "content" => "Content",
        "spam" => "Spam",
        "policy" => "Policy",
        "other" => "Other",
        "recipient_unavailable" => "Recipient temporarily unavailable",
        "security_filter" => "Rejected by security filter",
        "sender_not_authorized" => "Sender not authorised",
        "temporary_failure" => "Temporary technical problem",
        "spam_report" => "Reported spam",
        "draft" => "Draft",
        "sent" => "Sent, no result yet",
        "delivered" => "Delivered",
        "pending" => "Pending",
        "bounced" => "Bounced",
        "not_sent" => "Not sent",
        "" => "—",
        other => other,
    }
}

/// A time as people read it.
fn when(t: Option<Timestamp>) -> String {
    t.map(|t| {
        let s = t.to_rfc3339();
        format!("{} {} UTC", &s[..10], &s[11..16])
    })
    .unwrap_or_else(|| "—".into())
}

fn percent(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn render(t: &impl Template) -> Page {
    Ok(match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => error_page(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    })
}

/// An error page as a page result.
fn refuse(status: StatusCode, message: &str) -> Page {
    Ok(error_page(status, message))
}

/// Redirects to `path` with a notice to show there.
fn back_with(path: &str, notice: &str) -> Page {
    let sep = if path.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{path}{sep}notice={}", urlencode(notice))).into_response())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
}

pub async fn login_page(State(s): Shared) -> Response {
    login_with(&s, StatusCode::OK, None)
}

/// The login form with a fresh CSRF token, also set as the pre-session cookie it is checked
/// against (for an hour, sent to /login only).
pub fn login_with(s: &AppState, status: StatusCode, notice: Option<String>) -> Response {
    let csrf = match rebound_ledger::random_hex(24) {
        Ok(t) => t,
        Err(e) => return error_page(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    };
    let cookie = crate::set_cookie(
        s,
        &format!("{}={csrf}", crate::LOGIN_COOKIE),
        "/login",
        "Strict",
        3600,
    );
    let c = Chrome {
        signed_in: false,
        admin: false,
        csrf,
        notice,
    };
    (
        status,
        [(header::SET_COOKIE, cookie)],
        render(&LoginPage { c }),
    )
        .into_response()
}

struct EmailRow {
    id: i64,
    subject: String,
    sent_at: String,
    delivered: usize,
    bounced: usize,
    pending: usize,
    not_sent: usize,
    sent: usize,
    bounce_rate: String,
    flag: bool,
}

#[derive(Template)]
#[template(path = "emails.html")]
struct EmailsPage {
    c: Chrome,
    emails: Vec<EmailRow>,
    chart: String,
}

pub async fn emails(State(s): Shared, web: Web, Query(q): Params) -> Page {
    let account = web.account()?;
    let views = s.ledger.emails(account).await?;
    let chart = bars(
        "Bounce rate per email",
        &views
            .iter()
            .filter(|v| v.email.sent_at.is_some())
            .map(|v| Bar {
                label: v.email.subject.clone(),
                value: v.bounce_rate,
                shown: percent(v.bounce_rate),
            })
            .collect::<Vec<_>>(),
    );
    let emails = views
        .into_iter()
        .map(|v| EmailRow {
            id: v.email.id,
            subject: v.email.subject,
            sent_at: v
                .email
                .sent_at
                .map_or_else(|| "draft".into(), |t| when(Some(t))),
            delivered: v.counts.delivered,
            bounced: v.counts.bounced,
            pending: v.counts.pending,
            not_sent: v.counts.not_sent,
            sent: v.counts.sent,
            bounce_rate: percent(v.bounce_rate),
            flag: v.bounce_rate > rebound_ledger::rules::HARD_BOUNCE_RATE_FLAG,
        })
        .collect();
    render(&EmailsPage {
        c: Chrome::of(&web, &q),
        emails,
        chart,
    })
}

struct Filter {
    status: &'static str,
    label: &'static str,
    count: usize,
    current: bool,
}

struct Row {
    address: String,
    status: &'static str,
    status_label: String,
    reason_label: String,
    at: String,
    selected: bool,
}

struct Detail {
    address: String,
    status_label: String,
    bounce_type: String,
    reason_label: String,
    cause: String,
    status_code: String,
    diagnostic: String,
    remote_mta: String,
    at: String,
    not_sent_reason: String,
    remedy: String,
}

#[derive(Template)]
#[template(path = "email.html")]
struct EmailPage {
    c: Chrome,
    id: i64,
    subject: String,
    from: String,
    sent_at: String,
    bounce_rate: String,
    status: String,
    filters: Vec<Filter>,
    rows: Vec<Row>,
    detail: Option<Detail>,
    soft: usize,
}

fn status_label(r: &RecipientView) -> String {
    match (r.status, r.bounce_type.as_deref()) {
        ("bounced", Some(t)) => format!("Bounced ({t})"),
        (s, _) => label(s).to_string(),
    }
}

fn reason_label(r: &RecipientView) -> String {
    match (&r.reason, &r.not_sent_reason) {
        (Some(reason), _) => label(reason).to_string(),
        (None, Some(why)) => why.clone(),
        _ => "—".into(),
    }
}

pub async fn email(State(s): Shared, web: Web, path: Segment, Query(q): Params) -> Page {
    let account = web.account()?;
    let Ok(id) = path.0.parse::<i64>() else {
        return refuse(StatusCode::NOT_FOUND, "No such email.");
    };
    let status = q.get("status").cloned().unwrap_or_default();
    let view = s.ledger.email(account, id).await?;
    let filter = Some(status.as_str()).filter(|s| !s.is_empty());
    let all = s.ledger.recipients(account, id, None).await?;
    let soft = all
        .iter()
        .filter(|r| r.status == "bounced" && r.bounce_type.as_deref() == Some("soft"))
        .count();
    let chosen = q.get("r").cloned().unwrap_or_default();
    let shown: Vec<&RecipientView> = all
        .iter()
        .filter(|r| filter.is_none_or(|f| r.status == f))
        .collect();
    let k = &view.counts;
    let filters = [
        ("", "All", k.recipients),
        ("delivered", "Delivered", k.delivered),
        ("bounced", "Bounced", k.bounced),
        ("pending", "Pending", k.pending),
        ("sent", "Sent, no result yet", k.sent),
        ("not_sent", "Not sent", k.not_sent),
        ("draft", "Draft", k.draft),
    ]
    .into_iter()
    .filter(|(st, _, n)| st.is_empty() || *n > 0 || *st == status)
    .map(|(st, label, count)| Filter {
        status: st,
        label,
        count,
        current: st == status,
    })
    .collect();
    let detail = all.iter().find(|r| r.address == chosen).map(|r| Detail {
        address: r.address.clone(),
        status_label: status_label(r),
        bounce_type: r.bounce_type.clone().unwrap_or_else(|| "—".into()),
        reason_label: reason_label(r),
        cause: r.cause.clone().unwrap_or_else(|| "—".into()),
        status_code: r.status_code.clone().unwrap_or_else(|| "—".into()),
        diagnostic: r.diagnostic.clone().unwrap_or_else(|| "—".into()),
        remote_mta: r.remote_mta.clone().unwrap_or_else(|| "—".into()),
        at: when(r.at),
        not_sent_reason: r.not_sent_reason.clone().unwrap_or_default(),
        remedy: r.remedy.unwrap_or("").to_string(),
    });
    let rows = shown
        .into_iter()
        .map(|r| Row {
            address: r.address.clone(),
            status: r.status,
            status_label: status_label(r),
            reason_label: reason_label(r),
            at: when(r.at),
            selected: r.address == chosen,
        })
        .collect();
    render(&EmailPage {
        c: Chrome::of(&web, &q),
        id,
        subject: view.email.subject,
        from: view.email.from,
        sent_at: view
            .email
            .sent_at
            .map_or_else(|| "not sent yet".into(), |t| when(Some(t))),
        bounce_rate: percent(view.bounce_rate),
        status,
        filters,
        rows,
        detail,
        soft,
    })
}

pub async fn resend(
    State(s): Shared,
    web: Web,
    path: Segment,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    web.check(&form)?;
    let account = web.account()?;
    let Ok(id) = path.0.parse::<i64>() else {
        return refuse(StatusCode::NOT_FOUND, "No such email.");
    };
    match s.ledger.resend_soft_bounced(account, id).await {
        Ok(copy) => back_with(
            &format!("/emails/{}", copy.email.id),
            &format!(
                "A copy addressed to the {} soft-bounced recipients was created as a draft.",
                copy.counts.recipients
            ),
        ),
        Err(e) => back_with(&format!("/emails/{id}"), &e.to_string()),
    }
}

pub async fn find_contact(Query(q): Params) -> Response {
    match q.get("q").map(|a| a.trim()).filter(|a| !a.is_empty()) {
        Some(a) => Redirect::to(&format!("/contacts/{}", urlencode(a))).into_response(),
        None => Redirect::to("/emails").into_response(),
    }
}

struct Moment {
    at: String,
    what: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    c: Chrome,
    address: String,
    eligible: bool,
    hard_reason: String,
    suppression: String,
    remedy: String,
    can_unbounce: bool,
    refusal: String,
    timeline: Vec<Moment>,
}

pub async fn contact(State(s): Shared, web: Web, path: Segment, Query(q): Params) -> Page {
    let account = web.account()?;
    let v = s.ledger.contact(account, &path.0).await?;
    let suppression = v.suppression.as_ref().map_or_else(String::new, |sup| {
        let scope = match sup.scope {
            Scope::Global => "in every account (global bounce)",
            Scope::Account => "in this account",
        };
        let until = sup
            .until
            .map(|u| format!(", until {}", when(Some(u))))
            .unwrap_or_default();
        format!(
            "{} {scope}, since {}{until}",
            label(&sup.reason),
            when(Some(sup.since))
        )
    });
    let timeline = v
        .history
        .iter()
        .rev()
        .map(|e| {
            let kind = e.kind.as_str();
            let what = match (kind, e.bounce_type) {
                ("bounce", Some(t)) => format!("{} bounce", t.as_str()),
                ("auto_reply", _) => "auto-reply".into(),
                (k, _) => k.to_string(),
            };
            // One-to-one email seen through a connected inbox (never suppresses).
            let what = if e.channel == rebound_ledger::event::INBOX {
                format!("one-to-one {what}")
            } else {
                what
            };
            let mut detail: Vec<String> = Vec::new();
            if let Some(s) = &e.subject {
                detail.push(format!("“{s}”"));
            }
            if let Some(m) = &e.match_kind {
                let id = e.message_id.as_deref().unwrap_or("");
                detail.push(format!("matched {} <{id}>", label(m)));
            }

            if let Some(r) = e.reason {
                detail.push(label(r.as_str()).to_string());
            }
            if let Some(d) = &e.diagnostic {
                detail.push(format!("“{d}”"));
            }
            if let Some(email) = &e.email_id {
                detail.push(format!("email {email}"));
            }
            if let Some(n) = &e.note {
                let who = e
                    .actor
                    .as_deref()
                    .map(|a| format!("{a}: "))
                    .unwrap_or_default();
                detail.push(format!("{who}{n}"));
            }
            Moment {
                at: when(Some(e.at)),
                what,
                detail: detail.join(" · "),
            }
        })
        .collect();
    render(&ContactPage {
        c: Chrome::of(&web, &q),
        address: v.address,
        eligible: v.eligible,
        hard_reason: v
            .email_hard_bounce_reason
            .map_or("—", |r| label(r.as_str()))
            .to_string(),
        suppression,
        remedy: v.remedy.unwrap_or("").to_string(),
        can_unbounce: v.unbounce.allowed,
        refusal: if v.eligible {
            String::new()
        } else {
            v.unbounce.refusal.unwrap_or_default()
        },
        timeline,
    })
}

pub async fn unbounce(
    State(s): Shared,
    web: Web,
    path: Segment,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    web.check(&form)?;
    let account = web.account()?;
    let page = format!("/contacts/{}", urlencode(&path.0));
    let note = form.get("note").map(|n| n.trim()).filter(|n| !n.is_empty());
    match s
        .ledger
        .unbounce(account, &path.0, Actor::Account, note, false)
        .await
    {
        Ok(_) => back_with(
            &page,
            "Unbounced: the contact can receive marketing email again.",
        ),
        Err(e) => back_with(&page, &e.to_string()),
    }
}

struct SuppressionRowView {
    address: String,
    scope: String,
    reason: String,
    since: String,
    until: String,
}

#[derive(Template)]
#[template(path = "suppressions.html")]
struct SuppressionsPage {
    c: Chrome,
    scope: String,
    reason: String,
    scopes: Vec<(&'static str, &'static str)>,
    reasons: Vec<(&'static str, &'static str)>,
    rows: Vec<SuppressionRowView>,
    next: Option<String>,
}

const REASONS: [&str; 7] = [
    "unknown_user",
    "mailbox_full",
    "content",
    "spam",
    "policy",
    "other",
    "spam_report",
];

pub async fn suppressions(State(s): Shared, web: Web, Query(q): Params) -> Page {
    let account = web.account()?;
    let scope = q.get("scope").cloned().unwrap_or_default();
    let reason = q.get("reason").cloned().unwrap_or_default();
    let scope_filter = match scope.as_str() {
        "account" => Some(Scope::Account),
        "global" => Some(Scope::Global),
        _ => None,
    };
    let reason_filter = REASONS.iter().copied().find(|r| *r == reason);
    let page = s
        .ledger
        .suppressions(
            account,
            scope_filter,
            reason_filter,
            q.get("cursor").map(String::as_str),
            100,
        )
        .await?;
    let rows = page
        .suppressions
        .into_iter()
        .map(|r| SuppressionRowView {
            address: r.address,
            scope: r.scope.to_string(),
            reason: label(&r.reason).to_string(),
            since: when(Some(r.since)),
            until: r.until.map_or_else(|| "—".into(), |u| when(Some(u))),
        })
        .collect();
    let mut reasons = vec![("", "Any")];
    reasons.extend(REASONS.iter().map(|r| (*r, label(r))));
    render(&SuppressionsPage {
        c: Chrome::of(&web, &q),
        scope,
        reason,
        scopes: vec![
            ("", "Both"),
            ("account", "This account"),
            ("global", "Global"),
        ],
        reasons,
        rows,
        next: page.next_cursor,
    })
}

pub async fn suppressions_csv(State(s): Shared, web: Web) -> Page {
    let csv = s.ledger.suppressions_csv(web.account()?).await?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"suppressions.csv\"",
        ),
    ];
    Ok((headers, csv).into_response())
}

struct InboxRowView {
    name: String,
    status: String,
    ok: bool,
    folders: String,
    sends: i64,
    bounces: i64,
    unmatched: i64,
}

struct InboxBounceView {
    at: String,
    address: String,
    kind: String,
    reason: String,
    matched: String,
    report_id: i64,
}

#[derive(Template)]
#[template(path = "inboxes.html")]
struct InboxesPage {
    c: Chrome,
    inboxes: Vec<InboxRowView>,
    bounces: Vec<InboxBounceView>,
    can_connect: bool,
    cannot_connect: String,
}

/// Connected inboxes: their watchers' status and the bounces found, newest first.
pub async fn inboxes(State(s): Shared, web: Web, Query(q): Params) -> Page {
    let account = web.account()?;
    let list = s.ledger.inboxes(account).await?;
    let mut bounces = Vec::new();
    for i in &list {
        bounces.extend(s.ledger.inbox_bounces(account, i.id).await?);
    }
    bounces.sort_by_key(|b| std::cmp::Reverse((b.at, b.id)));
    bounces.truncate(500);
    let inboxes = list
        .into_iter()
        .map(|i| InboxRowView {
            name: format!(
                "{} at {}:{} ({}, {})",
                i.username, i.host, i.port, i.tls, i.auth
            ),
            ok: i.status == "watching",
            status: match i.status_detail {
                Some(d) => format!("{} since {}: {d}", i.status, when(i.status_at)),
                None => format!("{} since {}", i.status, when(i.status_at)),
            },
            folders: i
                .folders
                .iter()
                .map(|f| format!("{} UID {}", f.folder, f.last_uid))
                .collect::<Vec<_>>()
                .join(", "),
            sends: i.sends,
            bounces: i.bounces,
            unmatched: i.unmatched,
        })
        .collect();
    let bounces = bounces
        .into_iter()
        .map(|b| InboxBounceView {
            at: when(Some(b.at)),
            kind: format!("{} {}", b.bounce_type, b.kind),
            reason: b.reason.as_deref().map_or("—", label).to_string(),
            matched: match (&b.match_kind, &b.send_message_id) {
                (Some(m), Some(id)) => format!("{} <{id}>", label(m)),
                _ => "no send found".into(),
            },
            address: b.address,
            report_id: b.report_id,
        })
        .collect();
    let (can_connect, cannot_connect) = match s.ledger.can_seal_secrets() {
        true => (true, String::new()),
        false => (
            false,
            "This server has no secret key for storing inbox passwords; the operator sets \
             REBOUND_SECRET_KEY (or --secret-key) to allow connecting inboxes."
                .to_string(),
        ),
    };
    render(&InboxesPage {
        c: Chrome::of(&web, &q),
        inboxes,
        bounces,
        can_connect,
        cannot_connect,
    })
}

/// The connect form (password or app password; OAuth2 tokens come through the API).
pub async fn connect_inbox(
    State(s): Shared,
    web: Web,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    web.check(&form)?;
    let account = web.account()?;
    let field = |k: &str| {
        form.get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let port = match field("port").as_str() {
        "" => None,
        p => match p.parse::<u16>() {
            Ok(p) => Some(p),
            Err(_) => return back_with("/inboxes", "The port must be a number from 1 to 65535."),
        },
    };
    let Some(tls) = rebound_ledger::Tls::parse(&field("tls")) else {
        return back_with("/inboxes", "Choose how the connection is secured.");
    };
    let n = rebound_ledger::NewInbox {
        host: field("host"),
        port,
        tls,
        username: field("username"),
        credentials: rebound_ledger::Credentials::Password(
            form.get("password").cloned().unwrap_or_default(),
        ),
    };
    match s.ledger.create_inbox(account, n).await {
        Ok(i) => back_with(
            "/inboxes",
            &format!(
                "Connected {} at {}: the watcher is starting.",
                i.username, i.host
            ),
        ),
        Err(e) => back_with("/inboxes", &e.to_string()),
    }
}

/// A report found in an inbox, as text.
pub async fn inbox_report(State(s): Shared, web: Web, path: Segment) -> Page {
    let account = web.account()?;
    let Ok(id) = path.0.parse::<i64>() else {
        return refuse(StatusCode::NOT_FOUND, "No such report.");
    };
    let bytes = s.ledger.inbox_report(account, id).await?;
    let headers = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    Ok((headers, String::from_utf8_lossy(&bytes).into_owned()).into_response())
}

#[derive(Template)]
#[template(path = "health.html")]
struct HealthPage {
    c: Chrome,
    sent: i64,
    hard: i64,
    soft: i64,
    complaints: i64,
    hard_rate: String,
    complaint_rate: String,
    hard_flag: bool,
    complaint_flag: bool,
    reasons_chart: String,
    daily_chart: String,
    rate_chart: String,
}

pub async fn health(State(s): Shared, web: Web, Query(q): Params) -> Page {
    let account = web.account()?;
    let h = s.ledger.health(account).await?;
    // Bounce rate over time: for each day emails went out, bounced ÷ sent of those emails.
    let since = s
        .ledger
        .clock()
        .now()
        .plus(-rebound_ledger::rules::HEALTH_WINDOW_MS);
    let mut by_day: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for e in s.ledger.emails(account).await? {
        let Some(at) = e.email.sent_at.filter(|t| *t >= since) else {
            continue;
        };
        let k = &e.counts;
        let day = by_day.entry(at.to_rfc3339()[..10].to_string()).or_default();
        day.0 += k.bounced;
        day.1 += k.sent + k.delivered + k.pending + k.bounced;
    }
    let rates: Vec<Bar> = by_day
        .into_iter()
        .filter(|(_, (_, out))| *out > 0)
        .map(|(d, (bounced, out))| {
            let rate = bounced as f64 / out as f64;
            Bar {
                label: d,
                value: rate,
                shown: percent(rate),
            }
        })
        .collect();
    let reasons: Vec<Bar> = h
        .reasons
        .iter()
        .map(|(r, n)| Bar {
            label: label(r).to_string(),
            value: *n as f64,
            shown: n.to_string(),
        })
        .collect();
    let daily: Vec<Bar> = h
        .daily
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| Bar {
            label: d.clone(),
            value: *n as f64,
            shown: n.to_string(),
        })
        .collect();
    render(&HealthPage {
        c: Chrome::of(&web, &q),
        sent: h.sent,
        hard: h.hard_bounces,
        soft: h.soft_bounces,
        complaints: h.complaints,
        hard_rate: percent(h.hard_bounce_rate),
        complaint_rate: format!("{:.2} %", h.complaint_rate * 100.0),
        hard_flag: h.hard_bounce_flag,
        complaint_flag: h.complaint_flag,
        reasons_chart: bars("Bounces by reason, last 30 days", &reasons),
        daily_chart: bars("Bounces per day, last 30 days (days with bounces)", &daily),
        rate_chart: bars(
            "Bounce rate of the emails sent each day, last 30 days",
            &rates,
        ),
    })
}

struct GlobalRow {
    address: String,
    reason: String,
    since: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    accounts: Vec<(i64, String, String)>,
    globals: Vec<GlobalRow>,
}

pub async fn admin(State(s): Shared, web: Web, Query(q): Params) -> Page {
    if !web.session.admin {
        return refuse(StatusCode::FORBIDDEN, "This page is for the operator.");
    }
    let accounts = s
        .ledger
        .accounts()
        .await?
        .into_iter()
        .map(|(id, n, at)| (id, n, when(Some(at))))
        .collect();
    let page = s
        .ledger
        .suppressions(0, Some(Scope::Global), None, None, 1000)
        .await?;
    let globals = page
        .suppressions
        .into_iter()
        .map(|r| GlobalRow {
            address: r.address,
            reason: label(&r.reason).to_string(),
            since: when(Some(r.since)),
        })
        .collect();
    render(&AdminPage {
        c: Chrome::of(&web, &q),
        accounts,
        globals,
    })
}

pub async fn lift(
    State(s): Shared,
    web: Web,
    path: Segment,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    web.check(&form)?;
    if !web.session.admin {
        return refuse(
            StatusCode::FORBIDDEN,
            "Only the operator lifts global bounces.",
        );
    }
    let note = form.get("note").map(|n| n.trim()).filter(|n| !n.is_empty());
    match s.ledger.lift_global(&path.0, note).await {
        Ok(()) => back_with(
            "/admin",
            &format!("The global bounce of {} was lifted.", path.0),
        ),
        Err(e) => back_with("/admin", &e.to_string()),
    }
}
