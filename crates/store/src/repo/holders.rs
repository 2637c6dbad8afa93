//! What account holders (students, guardians) do themselves: log in with their identifier,
//! replace a provisional password (which activates the account), and, for guardians, report a
//! link to a student as wrong.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, JoinType};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use sesame_core::lifecycle::{activate, Activation};
use sesame_core::regeneration::{match_identifier, IdentifierMatch};
use sesame_core::{AccountKind, AccountState};

use crate::entities::{account, class, guardian_link, student};
use crate::error::{Result, StoreError};
use crate::repo::accounts::{pending_change, Account};
use crate::repo::audit::{append, NewAuditEvent};
use crate::repo::sql::lock_accounts;
use crate::Store;

/// The columns a chosen password changes, wherever it is chosen (the letter's provisional
/// password replaced, a recovery or registration link followed): the hash in, the provisional
/// password out, the state the activation leads to, and the first activation and distribution
/// dates kept if already set. One place, so that no path forgets a column.
pub(crate) fn set_chosen_password(
    update: sea_orm::UpdateMany<account::Entity>,
    hash: &str,
    activation: &Activation,
    before: &account::Model,
    now: DateTime<Utc>,
) -> sea_orm::UpdateMany<account::Entity> {
    update
        .col_expr(account::Column::PasswordHash, Expr::value(hash.to_owned()))
        .col_expr(
            account::Column::ProvisionalPasswordEnc,
            Expr::value(Option::<String>::None),
        )
        .col_expr(account::Column::MustChangePassword, Expr::value(false))
        .col_expr(
            account::Column::State,
            Expr::value(activation.state_after.as_str()),
        )
        .col_expr(
            account::Column::ActivatedAt,
            Expr::value(before.activated_at.unwrap_or(now)),
        )
        .col_expr(
            account::Column::DistributedAt,
            Expr::value(before.distributed_at.unwrap_or(now)),
        )
}

/// The credential a login was checked against: a password change applies only if it is still
/// the one in force (a staff reset in between wins, and the holder must log in again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCredential {
    pub password_hash: Option<String>,
    pub provisional_password_enc: Option<String>,
}

impl CheckedCredential {
    pub fn of(account: &Account) -> CheckedCredential {
        CheckedCredential {
            password_hash: account.password_hash.clone(),
            provisional_password_enc: account.provisional_password_enc.clone(),
        }
    }
}

/// What a password change did to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordChanged {
    pub state_before: AccountState,
    pub activation: Activation,
}

/// A guardian's link to a student, as the guardian sees it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct HolderLink {
    pub student_id: String,
    pub family_name: String,
    pub first_name: String,
    pub uai: String,
    pub class: Option<String>,
    pub relationship: String,
    pub reported_wrong: bool,
    pub reported_at: Option<DateTime<Utc>>,
}

/// The outcome of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkReport {
    pub student_id: String,
    pub reported_at: DateTime<Utc>,
    /// False when the link had already been reported (nothing changed).
    pub newly_reported: bool,
}

impl Store {
    /// The account whose login identifier at `now` is `given`, and which of its identifiers
    /// matched. Before a pending change takes effect only the current identifier logs in; from
    /// its effective time only the new one does, whether or not the switch has been applied to
    /// the row yet (after it, the old identifier is no longer on the row at all).
    pub async fn holder_by_identifier(
        &self,
        given: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Account, IdentifierMatch)>> {
        let wanted = given.trim().to_ascii_lowercase();
        if wanted.is_empty() {
            return Ok(None);
        }
        let candidates = account::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(account::Column::Identifier.eq(wanted.clone()))
                    .add(account::Column::PendingIdentifier.eq(wanted.clone())),
            )
            .order_by_asc(account::Column::Id)
            .all(&self.db)
            .await?;
        let mut matched = candidates.into_iter().filter_map(|acc| {
            let pending = pending_change(&acc);
            let m = match_identifier(
                &wanted,
                &acc.identifier,
                pending.as_ref().map(|(p, at)| (p.as_str(), *at)),
                now,
            )?;
            Some((acc, m))
        });
        let first = matched.next();
        if matched.next().is_some() {
            // Identifiers are unique, pending ones too; two accounts answering one identifier
            // would be a data error, and guessing between them would log into the wrong one.
            tracing::warn!("two accounts answer the same login identifier");
            return Ok(None);
        }
        Ok(first)
    }

    /// Records a successful login (last-login date) with its audit event.
    pub async fn record_holder_login(
        &self,
        id: &str,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        account::Entity::update_many()
            .col_expr(account::Column::LastLoginAt, Expr::value(now))
            .filter(account::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        append(&txn, audit.targets(vec![id.to_owned()])).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The establishment an account holder's events are filed under: a student's own, a
    /// guardian's first linked student's.
    pub async fn holder_home_uai(&self, account: &Account) -> Result<Option<String>> {
        if account.kind()? == AccountKind::Student {
            return Ok(student::Entity::find_by_id(account.id.clone())
                .one(&self.db)
                .await?
                .map(|s| s.uai));
        }
        Ok(guardian_link::Entity::find()
            .filter(guardian_link::Column::GuardianId.eq(account.id.clone()))
            .join(JoinType::InnerJoin, link_student())
            .select_only()
            .column_as(student::Column::Uai, "uai")
            .order_by_asc(student::Column::Uai)
            .into_tuple::<String>()
            .one(&self.db)
            .await?)
    }

    /// The holder replaces their password: the new argon2id hash is stored, the provisional
    /// password is dropped, no change is pending any more, and the account is activated
    /// (dating its activation and distribution the first time). Refused with `Conflict` when
    /// the credential changed since it was checked.
    pub async fn change_holder_password(
        &self,
        id: &str,
        checked: &CheckedCredential,
        new_hash: &str,
        email: Option<&str>,
        audit: NewAuditEvent,
    ) -> Result<PasswordChanged> {
        let txn = self.begin_write().await?;
        lock_accounts(&txn, &[id.to_owned()]).await?;
        let acc = account::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        if CheckedCredential::of(&acc) != *checked {
            return Err(StoreError::Conflict(
                "Le mot de passe de ce compte vient d'être modifié : reconnectez-vous.".into(),
            ));
        }
        let state_before = acc.state()?;
        let activation = activate(state_before).map_err(|e| StoreError::Conflict(e.to_string()))?;
        let now = Utc::now();
        // A new address must be confirmed again; the same one keeps its confirmation.
        let email_changed = email.is_some_and(|e| acc.email.as_deref() != Some(e));
        let (email_after, validated_after) = match email {
            Some(e) if email_changed => (Some(e.to_owned()), false),
            _ => (acc.email.clone(), acc.email_validated),
        };
        let update = account::Entity::update_many()
            .col_expr(account::Column::Email, Expr::value(email_after))
            .col_expr(
                account::Column::EmailValidated,
                Expr::value(validated_after),
            )
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(id));
        set_chosen_password(update, new_hash, &activation, &acc, now)
            .exec(&txn)
            .await?;
        append(
            &txn,
            audit
                .targets(vec![id.to_owned()])
                .detail(serde_json::json!({
                    "identifier": acc.identifier,
                    "state_before": state_before.as_str(),
                    "state_after": activation.state_after.as_str(),
                    "first_activation": activation.first_activation,
                    "email_changed": email_changed,
                })),
        )
        .await?;
        if state_before != activation.state_after {
            crate::repo::webhooks::enqueue_account_event(
                &txn,
                id,
                "account.activated",
                serde_json::json!({ "account_id": id, "identifier": acc.identifier, "activated_at": now }),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(PasswordChanged {
            state_before,
            activation,
        })
    }

    /// The students a guardian is linked to (every establishment), by name.
    pub async fn holder_links(&self, guardian_id: &str) -> Result<Vec<HolderLink>> {
        Ok(guardian_link::Entity::find()
            .filter(guardian_link::Column::GuardianId.eq(guardian_id))
            .join(JoinType::InnerJoin, link_student())
            .join(
                JoinType::LeftJoin,
                student::Entity::belongs_to(class::Entity)
                    .from(student::Column::ClassId)
                    .to(class::Column::Id)
                    .into(),
            )
            .select_only()
            .column_as(guardian_link::Column::StudentId, "student_id")
            .column_as(student::Column::FamilyName, "family_name")
            .column_as(student::Column::FirstName, "first_name")
            .column_as(student::Column::Uai, "uai")
            .column_as(class::Column::Code, "class")
            .column_as(guardian_link::Column::Relationship, "relationship")
            .column_as(guardian_link::Column::ReportedWrong, "reported_wrong")
            .column_as(guardian_link::Column::ReportedAt, "reported_at")
            .filter(student::Column::LeftAt.is_null())
            .order_by_asc(student::Column::FamilyKey)
            .order_by_asc(student::Column::FirstKey)
            .into_model::<HolderLink>()
            .all(&self.db)
            .await?)
    }

    /// A guardian reports their link to a student as wrong (« rattachement signalé erroné »).
    /// Idempotent: reporting again keeps the first date. `NotFound` when there is no such link.
    pub async fn report_guardian_link(
        &self,
        guardian_id: &str,
        student_id: &str,
        audit: NewAuditEvent,
    ) -> Result<LinkReport> {
        let txn = self.begin_write().await?;
        let now = Utc::now();
        let changed = guardian_link::Entity::update_many()
            .col_expr(guardian_link::Column::ReportedWrong, Expr::value(true))
            .col_expr(guardian_link::Column::ReportedAt, Expr::value(now))
            .filter(guardian_link::Column::GuardianId.eq(guardian_id))
            .filter(guardian_link::Column::StudentId.eq(student_id))
            .filter(guardian_link::Column::ReportedWrong.eq(false))
            .exec(&txn)
            .await?
            .rows_affected
            > 0;
        let link =
            guardian_link::Entity::find_by_id((guardian_id.to_owned(), student_id.to_owned()))
                .one(&txn)
                .await?
                .ok_or(StoreError::NotFound)?;
        let uai = student::Entity::find_by_id(student_id.to_owned())
            .one(&txn)
            .await?
            .map(|s| s.uai);
        let mut event = audit
            .targets(vec![guardian_id.to_owned(), student_id.to_owned()])
            .detail(serde_json::json!({ "already_reported": !changed }));
        if let Some(uai) = uai {
            event = event.uai(uai);
        }
        append(&txn, event).await?;
        txn.commit().await?;
        Ok(LinkReport {
            student_id: student_id.to_owned(),
            reported_at: link.reported_at.unwrap_or(now),
            newly_reported: changed,
        })
    }
}

fn link_student() -> sea_orm::RelationDef {
    guardian_link::Entity::belongs_to(student::Entity)
        .from(guardian_link::Column::StudentId)
        .to(student::Column::Id)
        .into()
}
