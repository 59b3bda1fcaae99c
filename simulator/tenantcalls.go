package simulator

// The index of active calls by tenant, so that a tenant's active-calls
// read costs that tenant's calls, not every call the Sim holds (issue 16:
// no request may get slower as history, tenants or subscribers grow).
//
// A call is filed under every tenant one of its legs is at, comes from or
// is calling, from the moment the leg is added until the call ends (or is
// forgotten, or the Sim is reset).

// fileLegLocked files l's call under the tenants l touches. Runs with the
// lock held.
func (s *Sim) fileLegLocked(c *call, l *leg) {
	if !c.Ended.IsZero() {
		return
	}
	for _, t := range [...]string{l.Endpoint.TenantID, l.From.TenantID, l.To.TenantID} {
		if t == "" {
			continue
		}
		m := s.tenantCalls[t]
		if m == nil {
			m = map[string]*call{}
			s.tenantCalls[t] = m
		}
		m[c.ID] = c
	}
}

// unfileCallLocked takes c out of the index. Runs with the lock held.
func (s *Sim) unfileCallLocked(c *call) {
	for _, l := range c.legs {
		for _, t := range [...]string{l.Endpoint.TenantID, l.From.TenantID, l.To.TenantID} {
			if m := s.tenantCalls[t]; m != nil {
				delete(m, c.ID)
				if len(m) == 0 {
					delete(s.tenantCalls, t)
				}
			}
		}
	}
}

// ActiveCallsOfTenant returns snapshots of the active calls with a leg at,
// from or to a tenant, oldest first. It costs the tenant's active calls,
// not all calls: other tenants' calls and ended calls kept for retention
// are not visited.
func (s *Sim) ActiveCallsOfTenant(tenantID string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.tenantCalls[tenantID]
	out := make([]Call, 0, len(m))
	for _, c := range m {
		out = append(out, c.view())
	}
	sortCalls(out)
	return out
}
