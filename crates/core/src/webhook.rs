//! What a webhook delivery goes through.

use crate::wire::wire_enum;

wire_enum! {
    /// Where one delivery of a webhook stands: waiting for its next attempt, received by the
    /// client's endpoint, or given up after the last attempt.
    pub enum DeliveryState ("l'état de la livraison") {
        Pending = "pending",
        Delivered = "delivered",
        Failed = "failed",
    }
}
