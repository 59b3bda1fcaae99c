package ringcentral

import (
	"fmt"
)

// Tenants on demand (issue 12 item 1): pbxsim's control API adds and
// removes RingCentral accounts while the server runs. The directory is
// copied and replaced whole, so readers never lock; the scenario section
// must already be applied to (or removed from) the core by the caller.

// AddAccounts adds the accounts and OAuth clients of rc. An account id,
// extension number or client id already known is refused and nothing is
// added.
func (d *Dialect) AddAccounts(rc *Section) error {
	d.dirMu.Lock()
	defer d.dirMu.Unlock()
	old := d.dir()
	add, err := newDirectory(rc)
	if err != nil {
		return err
	}
	next := old.clone()
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
	for _, a := range rc.Accounts {
		if a.RateLimits != nil {
			d.limits.setAccount(a.ID, a.RateLimits)
		}
	}
	d.dirp.Store(next)
	return nil
}

// RemoveAccounts forgets the accounts and OAuth clients of rc: their
// WebSocket sessions are closed (going away), webhook deliveries stop,
// subscriptions, tokens, rate-limit counters and call log are dropped.
func (d *Dialect) RemoveAccounts(rc *Section) {
	gone := map[string]bool{}
	d.dirMu.Lock()
	next := d.dir().clone()
	for _, c := range rc.Clients {
		delete(next.clients, c.ID)
	}
	for _, a := range rc.Accounts {
		acc, ok := next.accounts[a.ID]
		if !ok {
			continue
		}
		gone[a.ID] = true
		for _, x := range acc.order {
			for _, n := range x.Numbers {
				if next.byNumber[n] == x {
					delete(next.byNumber, n)
				}
			}
		}
		delete(next.accounts, a.ID)
	}
	order := next.order[:0:0]
	for _, a := range next.order {
		if !gone[a.ID] {
			order = append(order, a)
		}
	}
	next.order = order
	d.dirp.Store(next)
	d.dirMu.Unlock()

	for id := range gone {
		d.limits.setAccount(id, nil)
	}
	d.subs.closeAccounts(gone)
	d.auth.forgetAccounts(gone)
	d.calllog.mu.Lock()
	for id := range gone {
		for _, lc := range d.calllog.byAccount[id] {
			delete(d.calllog.seen, lc.call.ID)
		}
		delete(d.calllog.byAccount, id)
	}
	d.calllog.mu.Unlock()
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
		delete(ss.byID, id)
	}
}

// forgetAccounts drops every token issued to the accounts' users.
func (ts *tokenStore) forgetAccounts(accounts map[string]bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for k, t := range ts.access {
		if accounts[t.AccountID] {
			delete(ts.access, k)
		}
	}
	for k, t := range ts.refresh {
		if accounts[t.AccountID] {
			delete(ts.refresh, k)
		}
	}
	for k, t := range ts.ws {
		if accounts[t.AccountID] {
			delete(ts.ws, k)
		}
	}
}
