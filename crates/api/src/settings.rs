//! Notification URL settings ("Paramétrage"): the address printed in letters and e-mails.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The address of one population.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationUrl {
    /// `null` when none was entered.
    pub url: Option<String>,
    /// It answered the last verification; editing the address clears it.
    pub verified: bool,
    /// Printed in letters and e-mails (only a verified address can be activated).
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<DateTime<Utc>>,
}

/// Both populations' addresses.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationUrls {
    pub students: NotificationUrl,
    /// Added to the national portal's address, which guardians' letters always carry.
    pub guardians: NotificationUrl,
    /// The national portal (`https://teleservices.education.gouv.fr`).
    pub national_portal_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationUrlChange {
    /// An absolute `https` URL with a host, at most 2,000 characters.
    pub url: String,
}
