package models

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// LoginPolicy says how password guessing is slowed and then stopped. Counts
// are per user name and per address, over the window. An address gets far
// more room than a name: a shop's whole team sits behind one office address,
// and one agent's typos must not lock out everyone on Double 11.
type LoginPolicy struct {
	Window      time.Duration // failures older than this are forgotten
	SlowAfter   int           // failures of one name before each next try must wait
	LockAfter   int           // failures of one name before it is locked
	IPSlowAfter int           // the same for one address
	IPLockAfter int
	BaseDelay   time.Duration // wait after SlowAfter failures, doubling each time
	LockPeriod  time.Duration // how long a lock lasts after the last failure
}

// DefaultLoginPolicy: three free tries per name, then 2 s, 4 s, 8 s ...
// between tries, locked for 15 minutes after ten failures within 15 minutes;
// an address is slowed after 20 and locked after 100.
var DefaultLoginPolicy = LoginPolicy{
	Window: 15 * time.Minute, SlowAfter: 3, LockAfter: 10, IPSlowAfter: 20, IPLockAfter: 100,
	BaseDelay: 2 * time.Second, LockPeriod: 15 * time.Minute,
}

// LoginGate is the verdict on a login attempt before the password is checked.
type LoginGate struct {
	Locked bool
	Wait   time.Duration // > 0: try again after this long
}

// CheckLogin looks at recent failures for this name and address.
func (s *Store) CheckLogin(ctx context.Context, p LoginPolicy, username, ip string) (LoginGate, error) {
	var rows []struct {
		N    int
		Last time.Time
		ByIP bool
	}
	err := s.conn(ctx).Raw(`
		SELECT count(*) AS n, COALESCE(max(failed_at), 'epoch') AS last, false AS by_ip FROM login_failures
		 WHERE lower(username) = lower(?) AND failed_at > now() - make_interval(secs => ?)
		UNION ALL
		SELECT count(*), COALESCE(max(failed_at), 'epoch'), true FROM login_failures
		 WHERE ip = ? AND failed_at > now() - make_interval(secs => ?)`,
		strings.TrimSpace(username), p.Window.Seconds(), ip, p.Window.Seconds()).Scan(&rows).Error
	if err != nil {
		return LoginGate{}, fmt.Errorf("models: unable to count login failures: %w", err)
	}
	var gate LoginGate
	now := time.Now()
	for _, r := range rows {
		slowAfter, lockAfter := p.SlowAfter, p.LockAfter
		if r.ByIP {
			slowAfter, lockAfter = p.IPSlowAfter, p.IPLockAfter
		}
		switch {
		case r.N >= lockAfter:
			if until := r.Last.Add(p.LockPeriod); until.After(now) {
				gate.Locked = true
				gate.Wait = max(gate.Wait, until.Sub(now))
			}
		case r.N >= slowAfter:
			delay := p.BaseDelay << min(r.N-slowAfter, 8)
			if until := r.Last.Add(delay); until.After(now) {
				gate.Wait = max(gate.Wait, until.Sub(now))
			}
		}
	}
	return gate, nil
}

// RecordLoginFailure notes a wrong password.
func (s *Store) RecordLoginFailure(ctx context.Context, username, ip string) error {
	err := s.conn(ctx).Exec(`INSERT INTO login_failures (username, ip) VALUES (?, ?)`,
		strings.TrimSpace(username), ip).Error
	if err != nil {
		return fmt.Errorf("models: unable to record login failure: %w", err)
	}
	return nil
}

// ClearLoginFailures forgets a name's failures after a successful login and
// drops failures too old to matter.
func (s *Store) ClearLoginFailures(ctx context.Context, p LoginPolicy, username string) error {
	err := s.conn(ctx).Exec(`DELETE FROM login_failures WHERE lower(username) = lower(?) OR failed_at < now() - make_interval(secs => ?)`,
		strings.TrimSpace(username), (p.Window + p.LockPeriod).Seconds()).Error
	if err != nil {
		return fmt.Errorf("models: unable to clear login failures: %w", err)
	}
	return nil
}
