package ringcentral

import (
	"fmt"

	"github.com/xfer-conform/xfer-conform/simulator/tenancy"
)

// Tenants on demand (issue 12 item 1): pbxsim's control API adds and
// removes RingCentral accounts while the server runs. The directory is
// copied and replaced whole, so readers never lock; the scenario section
// must already be applied to (or removed from) the core by the caller.

// AddAccounts adds the accounts and OAuth clients of rc. An account id,
// extension number or client id already known is refused and nothing is
// added.
func (d *Dialect) AddAccounts(rc *Section) error {
	add, err := newDirectory(rc)
	if err != nil {
		return err
	}
	err = d.dirp.Change((*directory).clone, func(next *directory) error {
		for id, secret := range add.clients {
			if _, dup := next.clients[id]; dup {
				return fmt.Errorf("ringcentral: OAuth client %s already exists", id)
			}
			next.clients[id] = secret
		}
		for _, a := range add.order {
			if _, dup := next.accounts[a.ID]; dup {
				return fmt.Errorf("ringcentral: account %s already exists", a.ID)
			}
			for _, x := range a.order {
				for _, n := range x.Numbers {
					if _, dup := next.byNumber[n]; dup {
						return fmt.Errorf("ringcentral: number %s is already routed", n)
					}
					next.byNumber[n] = x
				}
			}
			next.accounts[a.ID] = a
			next.order = append(next.order, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, a := range rc.Accounts {
		if a.RateLimits != nil {
			d.limits.setAccount(a.ID, a.RateLimits)
		}
	}
	return nil
}

// RemoveAccounts forgets the accounts and OAuth clients of rc: their
// WebSocket sessions are closed (going away), webhook deliveries stop,
// subscriptions, tokens, rate-limit counters and call log are dropped.
func (d *Dialect) RemoveAccounts(rc *Section) {
	gone := d.dirp.Remove((*directory).clone, rc.TenantIDs(), (*directory).dropAccount, func(next *directory) {
		for _, c := range rc.Clients {
			delete(next.clients, c.ID)
		}
	})
	for id := range gone {
		d.limits.setAccount(id, nil)
	}
	d.subs.closeAccounts(gone)
	d.auth.forgetAccounts(gone)
	d.calllog.mu.Lock()
	for id := range gone {
		for _, lc := range d.calllog.byAccount[id].calls(nil) {
			delete(d.calllog.seen, lc.call.ID)
		}
		delete(d.calllog.byAccount, id)
	}
	d.calllog.mu.Unlock()
}

// dropAccount removes an account and its numbers from a directory copy.
func (dir *directory) dropAccount(id string) bool {
	acc, ok := dir.accounts[id]
	if !ok {
		return false
	}
	for _, x := range acc.order {
		for _, n := range x.Numbers {
			if dir.byNumber[n] == x {
				delete(dir.byNumber, n)
			}
		}
	}
	delete(dir.accounts, id)
	order := dir.order[:0:0]
	for _, a := range dir.order {
		if a.ID != id {
			order = append(order, a)
		}
	}
	dir.order = order
	return true
}

// SetRateLimits turns an account's RingCentral rate limits on with the
// given profile, or off when it is nil, without a restart (issue 12 item 2).
func (d *Dialect) SetRateLimits(accountID string, profile *RateLimits) error {
	if _, ok := d.dir().accounts[accountID]; !ok {
		return fmt.Errorf("ringcentral: no account %s", accountID)
	}
	d.limits.setAccount(accountID, profile)
	return nil
}

// clone copies the directory's indexes; accounts are shared, never changed.
func (dir *directory) clone() *directory {
	next := &directory{
		accounts: make(map[string]*account, len(dir.accounts)+1),
		clients:  make(map[string]string, len(dir.clients)+1),
		byNumber: make(map[string]*extension, len(dir.byNumber)+4),
		order:    append([]*account(nil), dir.order...),
	}
	for k, v := range dir.accounts {
		next.accounts[k] = v
	}
	for k, v := range dir.clients {
		next.clients[k] = v
	}
	for k, v := range dir.byNumber {
		next.byNumber[k] = v
	}
	return next
}

// closeAccounts ends the subscriptions and WebSocket sessions of the
// accounts: sockets get a going-away close frame, webhooks stop.
func (ss *subscriptions) closeAccounts(accounts map[string]bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for id, s := range ss.wsSessions {
		if !accounts[s.grant.AccountID] {
			continue
		}
		s.mu.Lock()
		if s.conn != nil {
			s.conn.goAway()
		}
		if s.expiry != nil {
			s.expiry.Stop()
		}
		s.mu.Unlock()
		s.dead = true
		s.sub = nil
		delete(ss.wsSessions, id)
	}
	for id, sub := range ss.byID {
		if !accounts[sub.Owner.AccountID] {
			continue
		}
		if sub.hook != nil {
			sub.hook.stop()
		}
		ss.deleteLocked(id)
	}
}

// forgetAccounts drops every token issued to the accounts' users.
func (ts *tokenStore) forgetAccounts(accounts map[string]bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	tenancy.Forget(ts.access, accounts, func(t *accessToken) string { return t.AccountID })
	tenancy.Forget(ts.refresh, accounts, func(t *refreshToken) string { return t.AccountID })
	tenancy.Forget(ts.ws, accounts, func(t *wsToken) string { return t.AccountID })
}
