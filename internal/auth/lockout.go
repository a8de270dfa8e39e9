package auth

import "time"

// Login lockout policy (等保 2.0: "limit the number of failed logins and
// lock the account"). The store counts consecutive failures per account and
// resets the count on a successful login.
//
//   - Up to 4 consecutive failures: no lock.
//   - The 5th failure locks the account for 15 minutes from that failure.
//   - Each further failure (possible only after a lock expired) doubles the
//     lock: 6th → 30 min, 7th and later → 1 hour, the cap.
//
// The cap is low on purpose: anyone who knows a username can trigger the
// lock, so a long lock would let an attacker shut officers out of their
// work, while 1 hour per guess already makes online guessing hopeless.
const (
	LockoutThreshold = 5                // failures before the first lock
	LockoutBase      = 15 * time.Minute // length of the first lock
	LockoutMax       = time.Hour        // longest lock
)

// LockoutUntil returns the time until which an account with the given
// number of consecutive failed logins, the last at lastFailure, is locked;
// the zero time means not locked. Compare the result with the injected
// clock: locked while now.Before(until).
func LockoutUntil(failures int, lastFailure time.Time) time.Time {
	if failures < LockoutThreshold {
		return time.Time{}
	}
	d := LockoutBase
	for i := LockoutThreshold; i < failures && d < LockoutMax; i++ {
		d *= 2
	}
	return lastFailure.Add(min(d, LockoutMax))
}
