package simulator

// RemoveTenant ends every call that touches the tenant, forgets those
// calls at once (not after the retention period) and removes the tenant,
// its users and their numbers from the directory, so the memory they held
// is freed, and forgets the tenant's own clock (its owner stops it with
// ManualClock.Close). Events for the ended legs are published first, so a dialect's
// subscribers see the calls end. Tenants on demand (issue 12 item 1).
func (s *Sim) RemoveTenant(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tenants[id]; !ok {
		return newError(ErrNotFound, "tenant", id, "tenant %q not found", id)
	}
	for _, c := range s.calls {
		if !callTouches(c, id) {
			continue
		}
		if c.Ended.IsZero() {
			for _, l := range c.legs {
				if l.State.Live() {
					s.setState(c, l, LegDisconnected, ReasonHangup, "tenant-deleted")
				}
			}
		}
		for _, l := range c.legs {
			l.stopTimers()
		}
		s.forgetLocked(c)
	}
	for k, u := range s.users {
		if k.tenant != id {
			continue
		}
		for _, n := range u.Numbers {
			if s.byNumber[n] == u {
				delete(s.byNumber, n)
			}
		}
		if u.Extension != "" {
			s.unfileExtension(u)
		}
		delete(s.userLegs, k)
		delete(s.users, k)
	}
	delete(s.byExt, id)
	delete(s.tenantCalls, id) // emptied by forgetLocked above; the key goes too
	delete(s.tenants, id)
	s.SetTenantClock(id, nil)
	for i, t := range s.tenantIx {
		if t == id {
			s.tenantIx = append(s.tenantIx[:i:i], s.tenantIx[i+1:]...)
			break
		}
	}
	return nil
}

// unfileExtension takes u out of extUsers.
func (s *Sim) unfileExtension(u *User) {
	us := s.extUsers[u.Extension]
	for i, o := range us {
		if o == u {
			us = append(us[:i:i], us[i+1:]...)
			break
		}
	}
	if len(us) == 0 {
		delete(s.extUsers, u.Extension)
		return
	}
	s.extUsers[u.Extension] = us
}

func callTouches(c *call, tenant string) bool {
	for _, l := range c.legs {
		if l.Endpoint.TenantID == tenant || l.From.TenantID == tenant || l.To.TenantID == tenant {
			return true
		}
	}
	return false
}

// TenantCount returns how many tenants the directory holds.
func (s *Sim) TenantCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tenants)
}
