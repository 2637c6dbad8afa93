//! Background jobs (large selections run by the scheduler): where one stands.

use crate::wire::wire_enum;

wire_enum! {
    /// A job's state, as its owner polls it.
    pub enum JobState ("l'état de la tâche") {
        Running = "running",
        /// Finished: its result is the synchronous call's answer.
        Done = "done",
        /// Stopped on an error, which it reports.
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_states() {
        let wire: Vec<_> = JobState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(wire, ["running", "done", "failed"]);
        assert_eq!(JobState::parse("finished"), None);
    }
}
