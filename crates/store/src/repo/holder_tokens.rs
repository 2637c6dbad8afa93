//! Single-use links e-mailed to account holders (`holder_tokens`): issued with what they are
//! for, spent atomically with their effect. Only a token's SHA-256 is stored: a database dump
//! gives no working link.

use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sesame_core::identifier::fold_name;
use sesame_core::lifecycle::{activate, has_no_local_password};
use sesame_core::self_service::{registration_possible, LinkPurpose};
use sesame_core::{AccountKind, AccountState, Origin};
use sha2::{Digest, Sha256};

use crate::entities::{account, guardian, guardian_link, holder_token, student};
use crate::error::{Result, StoreError};
use crate::repo::accounts::Account;
use crate::repo::audit::{append, NewAuditEvent};
use crate::repo::holders::{set_chosen_password, PasswordChanged};
use crate::repo::sql::lock_accounts;
use crate::Store;

/// A fresh link token (256 random bits, URL-safe base64) and the hash to store.
pub fn new_link_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = link_token_hash(&token);
    (token, hash)
}

/// What is stored of a token, and what a presented token is looked up by.
pub fn link_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// A link to issue.
pub struct NewLink<'a> {
    pub account_id: &'a str,
    pub purpose: LinkPurpose,
    pub email: &'a str,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    /// A guardian's registration: the account's state and origin until the link is followed.
    pub registration: Option<(AccountState, Origin)>,
}

/// What following a password link did.
#[derive(Debug, Clone)]
pub struct PasswordByLink {
    pub account: Account,
    pub changed: PasswordChanged,
}

impl Store {
    /// Accounts whose confirmed e-mail address is `email` (case-insensitive). A family may
    /// share one address between a parent's and a child's accounts.
    pub async fn holders_by_confirmed_email(&self, email: &str) -> Result<Vec<Account>> {
        let wanted = email.trim().to_lowercase();
        if wanted.is_empty() {
            return Ok(vec![]);
        }
        Ok(account::Entity::find()
            .filter(account::Column::EmailValidated.eq(true))
            .filter(Expr::expr(Func::lower(Expr::col(account::Column::Email))).eq(wanted))
            .order_by_asc(account::Column::Id)
            .limit(20)
            .all(&self.db)
            .await?)
    }

    /// The guardian account a self-registration names: the guardian's names, one of their
    /// pupils' names and birth date, and the e-mail address the school holds for them — all
    /// four must match (names folded like identifiers: accents and case do not matter).
    pub async fn guardian_for_registration(
        &self,
        family_name: &str,
        first_name: &str,
        student_family_name: &str,
        student_first_name: &str,
        birth_date: NaiveDate,
        email: &str,
    ) -> Result<Option<Account>> {
        let (fk, pk) = (fold_name(family_name), fold_name(first_name));
        let (sfk, spk) = (
            fold_name(student_family_name),
            fold_name(student_first_name),
        );
        let wanted = email.trim().to_lowercase();
        if [&fk, &pk, &sfk, &spk, &wanted].iter().any(|s| s.is_empty()) {
            return Ok(None);
        }
        let students: Vec<String> = student::Entity::find()
            .filter(student::Column::FamilyKey.eq(sfk))
            .filter(student::Column::FirstKey.eq(spk))
            .filter(student::Column::BirthDate.eq(birth_date))
            .filter(student::Column::LeftAt.is_null())
            .select_only()
            .column(student::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        if students.is_empty() {
            return Ok(None);
        }
        let guardians: Vec<String> = guardian_link::Entity::find()
            .filter(guardian_link::Column::StudentId.is_in(students))
            .select_only()
            .column(guardian_link::Column::GuardianId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let named: Vec<String> = guardian::Entity::find()
            .filter(guardian::Column::Id.is_in(guardians))
            .filter(guardian::Column::FamilyKey.eq(fk))
            .filter(guardian::Column::FirstKey.eq(pk))
            .select_only()
            .column(guardian::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut found = account::Entity::find()
            .filter(account::Column::Id.is_in(named))
            .filter(account::Column::Kind.eq(AccountKind::Guardian.as_str()))
            .filter(Expr::expr(Func::lower(Expr::col(account::Column::Email))).eq(wanted))
            .order_by_asc(account::Column::Id)
            .all(&self.db)
            .await?;
        // Two guardians of the same names sharing one address and one pupil: nobody can tell
        // which of them is asking, so neither is chosen.
        Ok((found.len() == 1).then(|| found.remove(0)))
    }

    /// Records a new link; the account's earlier unused links of the same purpose stop
    /// working (only the latest e-mail counts). A registration also moves the account to the
    /// state it holds until the link is followed.
    pub async fn issue_holder_link(&self, link: NewLink<'_>, audit: NewAuditEvent) -> Result<()> {
        let txn = self.begin_write().await?;
        lock_accounts(&txn, &[link.account_id.to_owned()]).await?;
        let now = Utc::now();
        holder_token::Entity::update_many()
            .col_expr(holder_token::Column::UsedAt, Expr::value(now))
            .filter(holder_token::Column::AccountId.eq(link.account_id))
            .filter(holder_token::Column::Purpose.eq(link.purpose.as_str()))
            .filter(holder_token::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        holder_token::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            token_hash: Set(link.token_hash.to_owned()),
            purpose: Set(link.purpose.as_str().to_owned()),
            account_id: Set(link.account_id.to_owned()),
            email: Set(link.email.trim().to_owned()),
            created_at: Set(now),
            expires_at: Set(link.expires_at),
            used_at: Set(None),
        }
        .insert(&txn)
        .await?;
        if let Some((state, origin)) = link.registration {
            account::Entity::update_many()
                .col_expr(account::Column::State, Expr::value(state.as_str()))
                .col_expr(account::Column::Origin, Expr::value(origin.as_str()))
                .col_expr(account::Column::UpdatedAt, Expr::value(now))
                .filter(account::Column::Id.eq(link.account_id))
                .exec(&txn)
                .await?;
        }
        append(&txn, audit.targets(vec![link.account_id.to_owned()])).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The link a token opens, if it is still usable (unused, not expired, of this purpose).
    /// Only a look: [`Store::follow_holder_link`] is what spends it.
    pub async fn holder_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: DateTime<Utc>,
    ) -> Result<Option<(holder_token::Model, Account)>> {
        let Some(link) = holder_token::Entity::find()
            .filter(holder_token::Column::TokenHash.eq(token_hash))
            .filter(holder_token::Column::Purpose.eq(purpose.as_str()))
            .filter(holder_token::Column::UsedAt.is_null())
            .filter(holder_token::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let account = account::Entity::find_by_id(link.account_id.clone())
            .one(&self.db)
            .await?;
        Ok(account.map(|a| (link, a)))
    }

    /// Spends a link and applies its effect in one transaction: `None` when the link was
    /// used, expired or replaced meanwhile (two clicks at once: exactly one wins).
    /// - `ConfirmEmail`: the address becomes confirmed, if it is still the account's.
    /// - `ResetPassword` / `Register`: `new_hash` becomes the password and the account is
    ///   activated; a registration also makes the origin « Responsable » and confirms the
    ///   address the link was sent to.
    pub async fn follow_holder_link(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        new_hash: Option<&str>,
        audit: NewAuditEvent,
    ) -> Result<Option<PasswordByLink>> {
        let txn = self.begin_write().await?;
        let now = Utc::now();
        let Some(link) = holder_token::Entity::find()
            .filter(holder_token::Column::TokenHash.eq(token_hash))
            .one(&txn)
            .await?
        else {
            return Ok(None);
        };
        lock_accounts(&txn, std::slice::from_ref(&link.account_id)).await?;
        // The guard: of concurrent followers, one only sees its update touch the row.
        let spent = holder_token::Entity::update_many()
            .col_expr(holder_token::Column::UsedAt, Expr::value(now))
            .filter(holder_token::Column::Id.eq(link.id.clone()))
            .filter(holder_token::Column::Purpose.eq(purpose.as_str()))
            .filter(holder_token::Column::UsedAt.is_null())
            .filter(holder_token::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Ok(None);
        }
        let acc = account::Entity::find_by_id(link.account_id.clone())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (kind, state_before, origin) = acc.standing()?;
        let same_email = acc
            .email
            .as_deref()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case(link.email.trim()));
        let mut update = account::Entity::update_many()
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(acc.id.clone()));
        let mut activation = sesame_core::lifecycle::Activation {
            state_after: state_before,
            first_activation: false,
        };
        match (purpose, new_hash) {
            (LinkPurpose::ConfirmEmail, _) => {
                if !same_email {
                    // The address changed since the link was sent: it confirms nothing.
                    return Ok(None);
                }
                update = update.col_expr(account::Column::EmailValidated, Expr::value(true));
            }
            (LinkPurpose::ResetPassword | LinkPurpose::Register, Some(hash)) => {
                // What made the link possible must still hold: the account may have been
                // activated by its letter, or turned FranceConnect, since it was sent.
                let still = match purpose {
                    LinkPurpose::Register => registration_possible(kind, state_before, origin),
                    _ => !has_no_local_password(kind, origin),
                };
                if !same_email || !still {
                    return Ok(None);
                }
                activation = match (purpose, state_before) {
                    // A guardian registering without a letter: nothing was distributed.
                    (LinkPurpose::Register, AccountState::NotNotified) => {
                        sesame_core::lifecycle::Activation {
                            state_after: AccountState::Activated,
                            first_activation: true,
                        }
                    }
                    _ => activate(state_before).map_err(|e| StoreError::Conflict(e.to_string()))?,
                };
                update = set_chosen_password(update, hash, &activation, &acc, now)
                    .col_expr(account::Column::EmailValidated, Expr::value(true));
                if purpose == LinkPurpose::Register {
                    update = update.col_expr(
                        account::Column::Origin,
                        Expr::value(Origin::Guardian.as_str()),
                    );
                }
            }
            (_, None) => {
                // The routes always hash the chosen password first: a bug, not the holder's.
                return Err(StoreError::internal("a password link needs a password"));
            }
        }
        update.exec(&txn).await?;
        append(
            &txn,
            audit
                .targets(vec![acc.id.clone()])
                .detail(serde_json::json!({
                    "identifier": acc.identifier,
                    "state_before": state_before.as_str(),
                    "state_after": activation.state_after.as_str(),
                    "first_activation": activation.first_activation,
                })),
        )
        .await?;
        if activation.first_activation {
            crate::repo::webhooks::enqueue_account_event(
                &txn,
                &acc.id,
                "account.activated",
                serde_json::json!({ "account_id": acc.id, "identifier": acc.identifier, "activated_at": now }),
            )
            .await?;
        }
        txn.commit().await?;
        let account = account::Entity::find_by_id(acc.id.clone())
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(Some(PasswordByLink {
            account,
            changed: PasswordChanged {
                state_before,
                activation,
            },
        }))
    }

    /// The holder records a new e-mail address, unconfirmed until its link is followed (the
    /// same address again keeps its confirmation); earlier confirmation links stop working.
    pub async fn set_holder_email(
        &self,
        id: &str,
        email: &str,
        audit: NewAuditEvent,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        lock_accounts(&txn, &[id.to_owned()]).await?;
        let acc = account::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let same = acc.email.as_deref() == Some(email);
        let now = Utc::now();
        account::Entity::update_many()
            .col_expr(account::Column::Email, Expr::value(email.to_owned()))
            .col_expr(
                account::Column::EmailValidated,
                Expr::value(same && acc.email_validated),
            )
            .col_expr(account::Column::UpdatedAt, Expr::value(now))
            .filter(account::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        if !same {
            holder_token::Entity::update_many()
                .col_expr(holder_token::Column::UsedAt, Expr::value(now))
                .filter(holder_token::Column::AccountId.eq(id))
                .filter(holder_token::Column::UsedAt.is_null())
                .exec(&txn)
                .await?;
        }
        append(
            &txn,
            audit
                .targets(vec![id.to_owned()])
                .detail(serde_json::json!({ "email_changed": !same })),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Forgets links past their expiry (the scheduler's purge).
    pub async fn purge_holder_links(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(holder_token::Entity::delete_many()
            .filter(holder_token::Column::ExpiresAt.lt(before))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
