//! The account operations behind the endpoints (and behind jobs, for large selections):
//! apply the state machine in one transaction, then produce the documents and messages.
//! Kept apart from the handlers so that a job runs exactly what a request would.

use sesame_api::accounts::{NotifyResponse, NotifyResult, ResetResponse, ResetResult};
use sesame_core::lifecycle::{Channel, SkipReason};
use sesame_core::{AccountKind, AccountState, DocumentFormat, LetterVariant, Population};
use sesame_documents::{
    CredentialRow, EstablishmentInfo, LetterInput, ListRow, CSV_CONTENT_TYPE, PDF_CONTENT_TYPE,
};
use sesame_store::repo::credentials::{Operation, Outcome};
use sesame_store::repo::establishments::Establishment;
use sesame_store::repo::search::LinkedStudent;

use crate::auth::Scoped;
use crate::problem::ApiError;
use crate::state::AppState;

/// Told when an operation's transaction has committed, so that a job failing afterwards
/// (documents, e-mails, a restart) reports that the accounts did change.
#[derive(Clone, Default)]
pub struct Commit {
    job: Option<String>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Commit {
    /// For a request answered directly: its error says what happened by itself.
    pub fn none() -> Commit {
        Commit::default()
    }

    pub fn for_job(id: &str) -> Commit {
        Commit {
            job: Some(id.to_owned()),
            ..Commit::default()
        }
    }

    pub fn is_done(&self) -> bool {
        self.done.load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn mark(&self, state: &AppState) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(id) = &self.job {
            // Best effort: the flag in memory still makes this process's message right.
            if let Err(e) = state.store.mark_job_committed(id).await {
                tracing::warn!(error = %e, job = %id, "could not record a job's commit");
            }
        }
    }
}

fn info(e: &Establishment) -> EstablishmentInfo {
    EstablishmentInfo {
        uai: e.uai.clone(),
        name: e.name.clone(),
    }
}

fn url_population(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Student => Population::Students,
        AccountKind::Guardian => Population::Guardians,
    }
    .as_str()
}

pub fn display_name(family_name: &str, first_name: &str) -> String {
    format!("{first_name} {}", family_name.to_uppercase())
}

/// Runs `f` (CPU-bound document rendering) off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, ApiError> {
    actix_web::web::block(f)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

// A span per operation: a job runs apart from its request (and its request's span), and a
// large selection takes long enough that the lines it writes (e-mails refused, documents
// failing) must say which establishment, population and job they belong to.
#[tracing::instrument(name = "notify", skip_all, fields(
    uai = %scoped.establishment.uai,
    population = %population,
    count = ids.len(),
    channel = %channel,
    job = commit.job.as_deref(),
))]
pub async fn notify(
    state: &AppState,
    scoped: &Scoped,
    population: Population,
    ids: Vec<String>,
    channel: Channel,
    reset_password: bool,
    commit: &Commit,
) -> Result<NotifyResponse, ApiError> {
    let est = &scoped.establishment;
    let outcomes = scoped
        .store()
        .apply_credentials(
            population,
            &ids,
            Operation::Notify {
                channel,
                reset_password,
            },
            &state.secrets,
            scoped.audit("account.notify"),
        )
        .await?;
    commit.mark(state).await;
    let kind = population.kind();
    let url = scoped
        .store()
        .active_notification_url(url_population(kind))
        .await?;
    let class_of = classes_of(scoped, population, &ids).await?;
    // Everyone notified gets a letter; a guardian skipped for want of an email address was not
    // notified at all.
    let letters: Vec<LetterInput> = outcomes
        .iter()
        .filter(|o| o.skipped != Some(SkipReason::NoEmail))
        .map(|o| LetterInput {
            kind: o.kind,
            person_display_name: display_name(&o.family_name, &o.first_name),
            family_name: o.family_name.clone(),
            first_name: o.first_name.clone(),
            identifier: o.identifier.clone(),
            provisional_password: o.password.clone(),
            variant: LetterVariant::choose(
                o.kind,
                o.state_after,
                o.origin_after,
                o.password_changed,
            ),
            urls: letter_address(url.as_deref(), state, &o.identifier)
                .into_iter()
                .collect(),
            class_label: class_of.get(&o.id).cloned().flatten(),
        })
        .collect();
    let document_id = if letters.is_empty() {
        None
    } else {
        let est_info = info(est);
        let pdf = blocking(move || {
            sesame_documents::letters_pdf(&est_info, &letters).map_err(|e| e.to_string())
        })
        .await?;
        let name = sesame_documents::filename(
            &format!("courriers-{}-{}", kind_slug(kind), est.uai),
            DocumentFormat::Pdf.extension(),
            chrono::Utc::now(),
        );
        Some(
            state
                .store
                .save_document(&state.secrets, scoped.owner(), &name, PDF_CONTENT_TYPE, pdf)
                .await?,
        )
    };
    let mut results: Vec<NotifyResult> = outcomes.iter().map(notify_result).collect();
    if channel == Channel::Email {
        crate::operations::email::send_credentials(
            state,
            est,
            &outcomes,
            url.as_deref(),
            &mut results,
        )
        .await;
    }
    Ok(NotifyResponse {
        results,
        document_id,
    })
}

/// Where a letter sends its holder: the establishment's active notification URL, else
/// Sésame's own holder page (`SESAME_PUBLIC_URL`) with the identifier pre-filled, else nowhere
/// but the national portal that guardians' letters always carry.
fn letter_address(active: Option<&str>, state: &AppState, identifier: &str) -> Option<String> {
    match (active, &state.settings.public_url) {
        (Some(url), _) => Some(url.to_owned()),
        (None, Some(public)) => Some(sesame_documents::holder_page_url(public, identifier)),
        (None, None) => None,
    }
}

fn kind_slug(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Student => "eleves",
        AccountKind::Guardian => "responsables",
    }
}

fn notify_result(o: &Outcome) -> NotifyResult {
    NotifyResult {
        id: o.id.clone(),
        identifier: o.identifier.clone(),
        state_before: o.state_before,
        state_after: o.state_after,
        password_changed: o.password_changed,
        skipped_reason: o.skipped.map(|s| s.as_str().to_owned()),
        skipped_message: o.skipped.map(|s| s.message().to_owned()),
        emailed: false,
    }
}

/// The class of each account, printed on letters and deciding the stack each letter is
/// handed out in (the letters PDF is sorted by it, a separator page before each class).
///
/// Students: their own. Guardians: one sheet of paper can lie in one stack only, so one
/// pupil's class is taken — the first of their pupils here in alphabetical order, preferring
/// a pupil who has a class. Alphabetical rather than the database's link order, so that a
/// guardian re-notified next month lands in the same class's stack, and the class printed on
/// the letter is the one the head teacher handing it out teaches.
async fn classes_of(
    scoped: &Scoped,
    population: Population,
    ids: &[String],
) -> Result<std::collections::HashMap<String, Option<String>>, ApiError> {
    let mut map = std::collections::HashMap::new();
    if population == Population::Guardians {
        let mut first: std::collections::HashMap<String, LinkedStudent> =
            std::collections::HashMap::new();
        for l in scoped.store().linked_students(ids).await? {
            match first.get(&l.guardian_id) {
                Some(kept) if !comes_first(&l, kept) => {}
                _ => {
                    first.insert(l.guardian_id.clone(), l);
                }
            }
        }
        map.extend(first.into_iter().map(|(id, l)| (id, l.class)));
    } else {
        for r in scoped.store().account_rows(population, ids).await? {
            map.insert(r.id, r.class);
        }
    }
    Ok(map)
}

/// Whether `a` is a better pupil than `b` to file a guardian's letter under: one with a class
/// first, then by family name, first name and id.
fn comes_first(a: &LinkedStudent, b: &LinkedStudent) -> bool {
    let key = |l: &LinkedStudent| {
        (
            l.class.as_deref().is_none_or(|c| c.trim().is_empty()),
            sesame_core::identifier::fold_name(&l.family_name),
            sesame_core::identifier::fold_name(&l.first_name),
            l.student_id.clone(),
        )
    };
    key(a) < key(b)
}

#[tracing::instrument(name = "reset", skip_all, fields(
    uai = %scoped.establishment.uai,
    population = %population,
    count = ids.len(),
    job = commit.job.as_deref(),
))]
pub async fn reset(
    state: &AppState,
    scoped: &Scoped,
    population: Population,
    ids: Vec<String>,
    commit: &Commit,
) -> Result<ResetResponse, ApiError> {
    let est = &scoped.establishment;
    let outcomes = scoped
        .store()
        .apply_credentials(
            population,
            &ids,
            Operation::Reset,
            &state.secrets,
            scoped.audit("account.reset_password"),
        )
        .await?;
    commit.mark(state).await;
    let class_of = classes_of(scoped, population, &ids).await?;
    let rows: Vec<CredentialRow> = outcomes
        .iter()
        .filter(|o| o.password_changed)
        .filter_map(|o| {
            Some(CredentialRow {
                family_name: o.family_name.clone(),
                first_name: o.first_name.clone(),
                class: class_of.get(&o.id).cloned().flatten().unwrap_or_default(),
                identifier: o.identifier.clone(),
                provisional_password: o.password.clone()?,
            })
        })
        .collect();
    let (mut document_id, mut csv_document_id) = (None, None);
    if !rows.is_empty() {
        let kind = population.kind();
        let est_info = info(est);
        let csv = sesame_documents::credentials_csv(&est_info, kind, &rows);
        let pdf = blocking(move || {
            sesame_documents::credentials_pdf(&est_info, kind, &rows).map_err(|e| e.to_string())
        })
        .await?;
        let base = format!("mots-de-passe-{}-{}", kind_slug(kind), est.uai);
        let now = chrono::Utc::now();
        document_id = Some(
            state
                .store
                .save_document(
                    &state.secrets,
                    scoped.owner(),
                    &sesame_documents::filename(&base, DocumentFormat::Pdf.extension(), now),
                    PDF_CONTENT_TYPE,
                    pdf,
                )
                .await?,
        );
        csv_document_id = Some(
            state
                .store
                .save_document(
                    &state.secrets,
                    scoped.owner(),
                    &sesame_documents::filename(&base, DocumentFormat::Csv.extension(), now),
                    CSV_CONTENT_TYPE,
                    csv,
                )
                .await?,
        );
    }
    Ok(ResetResponse {
        results: outcomes
            .into_iter()
            .map(|o| ResetResult {
                id: o.id,
                identifier: o.identifier,
                provisional_password: o.password.filter(|_| o.password_changed),
                skipped_reason: o.skipped.map(|s| s.as_str().to_owned()),
                skipped_message: o.skipped.map(|s| s.message().to_owned()),
            })
            .collect(),
        document_id,
        csv_document_id,
    })
}

/// "Lister les comptes": the file, and its name.
#[tracing::instrument(name = "list", skip_all, fields(
    uai = %scoped.establishment.uai,
    population = %population,
    count = ids.len(),
))]
pub async fn list(
    state: &AppState,
    scoped: &Scoped,
    population: Population,
    ids: &[String],
    format: DocumentFormat,
) -> Result<(Vec<u8>, String), ApiError> {
    let est = &scoped.establishment;
    let rows = scoped.store().account_rows(population, ids).await?;
    let kind = population.kind();
    let mut list = Vec::with_capacity(rows.len());
    let guardians_students = if kind == AccountKind::Guardian {
        scoped.store().linked_students(ids).await?
    } else {
        vec![]
    };
    for r in rows {
        let (account_state, origin) = (r.state, r.origin);
        // Only a notified, not yet activated account's password may be printed (list rule).
        let password = match (&r.provisional_password_enc, account_state) {
            (Some(enc), AccountState::NotifiedNotActivated) => {
                Some(state.secrets.open(enc, &r.id)?)
            }
            _ => None,
        };
        if kind == AccountKind::Guardian {
            // One line per guardian and student, as the seed's guardians list shows.
            for s in guardians_students.iter().filter(|s| s.guardian_id == r.id) {
                list.push(ListRow {
                    student_family_name: s.family_name.clone(),
                    student_first_name: s.first_name.clone(),
                    mef: s.mef.clone().unwrap_or_default(),
                    mef_label: s.mef_label.clone().unwrap_or_default(),
                    class: s.class.clone().unwrap_or_default(),
                    guardian_family_name: Some(r.family_name.clone()),
                    guardian_first_name: Some(r.first_name.clone()),
                    state: account_state,
                    origin,
                    identifier: r.identifier.clone(),
                    provisional_password: password.clone(),
                    notified_at: r.notified_at,
                    last_login_at: r.last_login_at,
                });
            }
        } else {
            list.push(ListRow {
                student_family_name: r.family_name,
                student_first_name: r.first_name,
                mef: r.mef.unwrap_or_default(),
                mef_label: r.mef_label.unwrap_or_default(),
                class: r.class.unwrap_or_default(),
                guardian_family_name: None,
                guardian_first_name: None,
                state: account_state,
                origin,
                identifier: r.identifier,
                provisional_password: password,
                notified_at: r.notified_at,
                last_login_at: r.last_login_at,
            });
        }
    }
    let est_info = info(est);
    let base = format!("comptes-{}-{}", kind_slug(kind), est.uai);
    let now = chrono::Utc::now();
    let filename = sesame_documents::filename(&base, format.extension(), now);
    match format {
        DocumentFormat::Csv => Ok((sesame_documents::list_csv(&est_info, kind, &list), filename)),
        DocumentFormat::Pdf => {
            let pdf = blocking(move || {
                sesame_documents::list_pdf(&est_info, kind, &list).map_err(|e| e.to_string())
            })
            .await?;
            Ok((pdf, filename))
        }
    }
}

pub mod email {
    //! Email notification of guardians, after the transaction has committed: a relay failure
    //! cannot undo the notification, so it is reported per account instead.

    use sesame_api::accounts::NotifyResult;
    use sesame_core::lifecycle::SkipReason;
    use sesame_core::LetterVariant;
    use sesame_store::repo::credentials::Outcome;
    use sesame_store::repo::establishments::Establishment;

    use crate::mail::{guardian_credentials_message, MailError, Outgoing};
    use crate::state::AppState;

    pub async fn send_credentials(
        state: &AppState,
        est: &Establishment,
        outcomes: &[Outcome],
        url: Option<&str>,
        results: &mut [NotifyResult],
    ) {
        // Those skipped for want of an address were not notified; everyone else with an
        // address gets the message.
        let targets: Vec<(usize, Outgoing)> = outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| o.skipped != Some(SkipReason::NoEmail))
            .filter_map(|(i, o)| {
                let to = o.email.as_deref()?.trim().to_owned();
                let (subject, body) = guardian_credentials_message(
                    &est.name,
                    &super::display_name(&o.family_name, &o.first_name),
                    &o.identifier,
                    o.password.as_deref(),
                    LetterVariant::choose(
                        o.kind,
                        o.state_after,
                        o.origin_after,
                        o.password_changed,
                    ),
                    super::letter_address(url, state, &o.identifier).as_deref(),
                );
                Some((i, Outgoing::new(to, subject, body)))
            })
            .collect();
        let (indexes, messages): (Vec<usize>, Vec<Outgoing>) = targets.into_iter().unzip();
        let sent = state.mailer.send_many(messages).await;
        for (i, outcome) in indexes.into_iter().zip(sent) {
            match outcome {
                Ok(()) => results[i].emailed = true,
                Err(e) => {
                    results[i].skipped_reason = Some(
                        match e {
                            MailError::NotConfigured => "email_not_configured",
                            MailError::InvalidAddress(_) => "invalid_email",
                            MailError::Transport(_) => "email_failed",
                        }
                        .to_owned(),
                    );
                    results[i].skipped_message = Some(e.to_string());
                }
            }
        }
    }
}
