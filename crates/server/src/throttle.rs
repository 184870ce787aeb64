//! Sign-in throttling (ASVS 5.0 V6.3.1, V2.4.1): growing delays per
//! account, per address and per known device, that slow a password
//! guesser without locking the real user out.
//!
//! Every attempt is counted *before* its password is hashed, in one atomic
//! step in the database ([`crate::store::Store::reserve_sign_in`]), so
//! parallel guesses on one or several instances cannot get past the limit.
//! The first few failures cost nothing; after them each attempt must wait
//! a delay that doubles with every failure, up to a ceiling. A correct
//! password sent from a device that has signed in to the account before
//! (a signed device cookie) is counted against that device only, so an
//! attacker hammering an account or sharing an address (behind a load
//! balancer, everyone) does not keep its owner out.

use time::{Duration, OffsetDateTime};

/// The schedule of delays for one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed before any delay.
    pub free: i64,
    /// The delay after the first failure past `free`; it doubles after each.
    pub base: Duration,
    /// The longest delay.
    pub max: Duration,
}

/// Failures older than this are forgotten.
pub const FORGET_AFTER: Duration = Duration::hours(24);

/// Per account: five free attempts, then 10 s, 20 s, … up to 10 minutes.
pub const ACCOUNT: Policy = Policy {
    free: 5,
    base: Duration::seconds(10),
    max: Duration::minutes(10),
};

/// Per address: many people may share one address, so more free attempts.
pub const ADDRESS: Policy = Policy {
    free: 20,
    base: Duration::seconds(10),
    max: Duration::minutes(10),
};

/// Per device cookie (a device that has signed in to the account before).
pub const DEVICE: Policy = ACCOUNT;

impl Policy {
    /// How long after the `failures`-th failure the next attempt must wait.
    pub fn delay_after(&self, failures: i64) -> Duration {
        if failures < self.free {
            return Duration::ZERO;
        }
        let doublings = u32::try_from(failures - self.free).unwrap_or(u32::MAX).min(20);
        let delay = self.base * 2_i32.pow(doublings);
        delay.min(self.max)
    }
}

/// The stored state of one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub failures: i64,
    pub last_at: OffsetDateTime,
    pub next_at: OffsetDateTime,
}

/// What to do with one more attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Check the password; the state to store (counting this attempt as a
    /// failure until it proves right).
    Attempt(State),
    /// Refuse without checking; try again after this long.
    Wait(Duration),
}

/// The rule itself, with the clock passed in.
pub fn decide(policy: &Policy, stored: Option<State>, now: OffsetDateTime) -> Decision {
    let failures = match stored {
        Some(state) if now - state.last_at < FORGET_AFTER => {
            if now < state.next_at {
                return Decision::Wait(state.next_at - now);
            }
            state.failures
        }
        _ => 0,
    };
    let failures = failures + 1;
    Decision::Attempt(State {
        failures,
        last_at: now,
        next_at: now + policy.delay_after(failures),
    })
}

/// Seconds to put in `Retry-After`, at least one.
pub fn retry_after_seconds(wait: Duration) -> i64 {
    (wait.whole_milliseconds() as i64 + 999).div_euclid(1000).max(1)
}

/// "10 seconds", "3 minutes": how long to wait, for people.
pub fn describe_wait(wait: Duration) -> String {
    let seconds = retry_after_seconds(wait);
    if seconds < 60 {
        format!("{seconds} second{}", if seconds == 1 { "" } else { "s" })
    } else {
        let minutes = (seconds + 59) / 60;
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::seconds(seconds)
    }

    #[test]
    fn first_failures_are_free_then_delays_grow() {
        assert_eq!(ACCOUNT.delay_after(4), Duration::ZERO);
        assert_eq!(ACCOUNT.delay_after(5), Duration::seconds(10));
        assert_eq!(ACCOUNT.delay_after(6), Duration::seconds(20));
        assert_eq!(ACCOUNT.delay_after(7), Duration::seconds(40));
        assert_eq!(ACCOUNT.delay_after(50), Duration::minutes(10));
        assert_eq!(ACCOUNT.delay_after(i64::MAX), Duration::minutes(10));
    }

    #[test]
    fn an_attempt_inside_the_delay_waits() {
        let mut state = None;
        for second in 0..5 {
            match decide(&ACCOUNT, state, at(second)) {
                Decision::Attempt(next) => state = Some(next),
                Decision::Wait(_) => panic!("the first five attempts are free"),
            }
        }
        assert_eq!(decide(&ACCOUNT, state, at(5)), Decision::Wait(Duration::seconds(9)));
        assert!(matches!(decide(&ACCOUNT, state, at(14)), Decision::Attempt(_)));
        // A day later it is forgotten.
        match decide(&ACCOUNT, state, at(5 + 86_400)) {
            Decision::Attempt(next) => assert_eq!(next.failures, 1),
            Decision::Wait(_) => panic!("forgotten after a day"),
        }
    }

    /// ASVS 5.0 V6.3.1: an attacker trying as fast as allowed gets fewer
    /// than 100 attempts an hour at one account (here: at most 20).
    #[test]
    fn never_more_than_100_failed_attempts_per_hour_asvs_6_3_1() {
        for policy in [ACCOUNT, DEVICE] {
            let mut state = None;
            let mut attempts = 0;
            let mut now = at(0);
            let end = at(3600);
            while now < end {
                match decide(&policy, state, now) {
                    Decision::Attempt(next) => {
                        attempts += 1;
                        state = Some(next);
                        now += Duration::milliseconds(1);
                    }
                    Decision::Wait(wait) => now += wait,
                }
            }
            assert!(attempts <= 20, "{attempts} attempts in an hour");
        }
    }

    #[test]
    fn waits_are_described_for_people() {
        assert_eq!(describe_wait(Duration::milliseconds(200)), "1 second");
        assert_eq!(describe_wait(Duration::seconds(10)), "10 seconds");
        assert_eq!(describe_wait(Duration::seconds(61)), "2 minutes");
        assert_eq!(retry_after_seconds(Duration::milliseconds(1001)), 2);
    }
}
