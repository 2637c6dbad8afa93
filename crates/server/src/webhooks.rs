//! Webhook delivery: POSTs each queued event, signed, to the client's URL, and retries with
//! exponential backoff. Runs on every replica; the store's leases keep attempts unique.

use chrono::Duration;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::state::AppState;

pub const SIGNATURE_HEADER: &str = "X-Sesame-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Sesame-Timestamp";
pub const EVENT_HEADER: &str = "X-Sesame-Event";
pub const DELIVERY_HEADER: &str = "X-Sesame-Delivery";

/// `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: binding the timestamp lets the receiver
/// refuse replays of an old delivery.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delay before the next attempt after `attempts` failures: base × 2^(attempts−1), ≤ 1 h.
pub fn backoff(base: std::time::Duration, attempts: i32) -> Duration {
    let factor = 1u32 << (attempts.clamp(1, 16) - 1);
    let delay = base
        .saturating_mul(factor)
        .min(std::time::Duration::from_secs(3600));
    Duration::from_std(delay).unwrap_or(Duration::hours(1))
}

/// Most deliveries one replica makes in a round before looking at the clock again.
const PER_ROUND: usize = 50;

/// How long a claimed delivery stays reserved: the attempt is bounded by the HTTP client's
/// `timeout`, and the lease adds as much again (at least a second) for the database work around
/// it, so it never runs out while its holder is still at work.
pub fn lease_for(timeout: std::time::Duration) -> Duration {
    let lease = timeout + timeout.max(std::time::Duration::from_secs(1));
    Duration::from_std(lease).unwrap_or(Duration::minutes(5))
}

/// One round: claims the deliveries due now one at a time, each right before its attempt, and
/// records each outcome under its lease.
pub async fn deliver_due(state: &AppState) {
    let timeout = state.settings.webhook_timeout;
    let mut http = None;
    for _ in 0..PER_ROUND {
        let d = match state
            .store
            .claim_due_delivery(chrono::Utc::now(), lease_for(timeout))
            .await
        {
            Ok(Some(d)) => d,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read webhook deliveries");
                return;
            }
        };
        if http.is_none() {
            match crate::routes::settings::guarded_client(
                state.settings.url_verify_allow_http_loopback,
                timeout,
            ) {
                Ok(c) => http = Some(c),
                Err(e) => {
                    // The claim lapses with its lease; the delivery is tried again then.
                    tracing::warn!(error = %e, "cannot build the webhook client");
                    return;
                }
            }
        }
        let Some(client) = &http else { return };
        let saved = match attempt(state, client, &d).await {
            Ok(status) => state.store.delivery_succeeded(&d, status).await,
            Err((status, error)) => {
                let retry = backoff(state.settings.webhook_retry_base, d.attempts + 1);
                state.store.delivery_failed(&d, status, &error, retry).await
            }
        };
        match saved {
            Ok(true) => {}
            // Removed with its webhook meanwhile, or (should the lease ever be too short)
            // taken over by another replica, whose record stands.
            Ok(false) => {
                tracing::info!(delivery = %d.id, "webhook attempt not recorded: no longer held")
            }
            Err(e) => {
                tracing::warn!(error = %e, delivery = %d.id, "cannot record a webhook attempt")
            }
        }
    }
}

async fn attempt(
    state: &AppState,
    http: &reqwest::Client,
    d: &sesame_store::repo::webhooks::Delivery,
) -> Result<u16, (Option<u16>, String)> {
    let hook = state
        .store
        .webhook(&d.webhook_id)
        .await
        .map_err(|e| (None, e.to_string()))?
        .ok_or((None, "webhook removed".to_owned()))?;
    let secret = state
        .secrets
        .open(&hook.secret_enc, &hook.id)
        .map_err(|e| (None, e.to_string()))?;
    let timestamp = chrono::Utc::now().timestamp();
    let response = http
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, sign(&secret, timestamp, &d.payload))
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(EVENT_HEADER, &d.event)
        .header(DELIVERY_HEADER, &d.id)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| (None, format!("unreachable: {}", e.without_url())))?;
    let status = response.status().as_u16();
    if response.status().is_success() {
        Ok(status)
    } else {
        Err((Some(status), format!("answered {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_secret_timestamp_and_body() {
        let s = sign("k", 1700000000, "{}");
        assert!(s.starts_with("sha256=") && s.len() == 7 + 64);
        assert_ne!(s, sign("k2", 1700000000, "{}"));
        assert_ne!(s, sign("k", 1700000001, "{}"));
        assert_ne!(s, sign("k", 1700000000, "{ }"));
        assert_eq!(s, sign("k", 1700000000, "{}"));
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let base = std::time::Duration::from_secs(5);
        assert_eq!(backoff(base, 1), Duration::seconds(5));
        assert_eq!(backoff(base, 2), Duration::seconds(10));
        assert_eq!(backoff(base, 4), Duration::seconds(40));
        assert_eq!(backoff(base, 16), Duration::hours(1));
    }
}
