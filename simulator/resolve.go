package simulator

import (
	"strings"
)

// Resolve turns an address into an endpoint. Accepted forms:
//
//	+15555555555        an E.164 number: the user it is routed to, else an outside number
//	102                 an extension number (unique across tenants, or within tenantHint)
//	102@684349005       an extension number in a named tenant
//	Agent J             a user's name (case-insensitive)
//	user:TENANT/ID      a user by id
//	device:ID           a user's device
//
// tenantHint, when set, is searched first for extensions and names.
func (s *Sim) Resolve(addr, tenantHint string) (Endpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resolveLocked(addr, tenantHint)
}

func (s *Sim) resolveLocked(addr, tenantHint string) (Endpoint, error) {
	a := strings.TrimSpace(addr)
	if a == "" {
		return Endpoint{}, newError(ErrInvalid, "address", addr, "address is empty")
	}
	switch {
	case strings.HasPrefix(a, "user:"):
		t, id, ok := strings.Cut(strings.TrimPrefix(a, "user:"), "/")
		if !ok {
			return Endpoint{}, newError(ErrInvalid, "address", addr, "address %q: want user:TENANT/ID", addr)
		}
		u, found := s.users[userKey{t, id}]
		if !found {
			return Endpoint{}, newError(ErrNotFound, "address", addr, "no user %q in tenant %q", id, t)
		}
		return userEndpoint(u, ""), nil
	case strings.HasPrefix(a, "device:"):
		id := strings.TrimPrefix(a, "device:")
		for _, u := range s.users {
			for _, d := range u.Devices {
				if d.ID == id {
					return userEndpoint(u, id), nil
				}
			}
		}
		return Endpoint{}, newError(ErrNotFound, "address", addr, "no device %q", id)
	case strings.HasPrefix(a, "+"):
		if !isDigits(a[1:]) || len(a) < 4 || len(a) > 16 {
			return Endpoint{}, newError(ErrInvalid, "address", addr, "address %q is not an E.164 number", addr)
		}
		if u, ok := s.byNumber[a]; ok {
			ep := userEndpoint(u, "")
			ep.Number = a
			return ep, nil
		}
		return Endpoint{Number: a, Name: s.outside[a].Name}, nil
	}
	if ext, tenant, ok := strings.Cut(a, "@"); ok {
		u, found := s.byExt[tenant][ext]
		if !found {
			return Endpoint{}, newError(ErrNotFound, "address", addr, "no extension %q in tenant %q", ext, tenant)
		}
		return dialledExtension(u), nil
	}
	if isDigits(a) {
		if tenantHint != "" {
			if u, ok := s.byExt[tenantHint][a]; ok {
				return dialledExtension(u), nil
			}
		}
		found := s.extUsers[a]
		switch len(found) {
		case 1:
			return dialledExtension(found[0]), nil
		case 0:
			if len(a) >= 7 {
				// A national number dialled without +: an outside number.
				return Endpoint{Number: a}, nil
			}
			return Endpoint{}, newError(ErrNotFound, "address", addr, "no extension %q in any tenant", a)
		default:
			return Endpoint{}, newError(ErrInvalid, "address", addr, "extension %q exists in several tenants; write it as %s@TENANT", a, a)
		}
	}
	var found []*User
	for _, t := range s.tenantIx {
		if tenantHint != "" && t != tenantHint {
			continue
		}
		for k, u := range s.users {
			if k.tenant == t && strings.EqualFold(u.Name, a) {
				found = append(found, u)
			}
		}
	}
	if len(found) == 0 && tenantHint != "" {
		return s.resolveLocked(addr, "")
	}
	switch len(found) {
	case 1:
		return userEndpoint(found[0], ""), nil
	case 0:
		return Endpoint{}, newError(ErrNotFound, "address", addr, "no user, extension or number matches %q", addr)
	default:
		return Endpoint{}, newError(ErrInvalid, "address", addr, "several users are named %q", addr)
	}
}

func userEndpoint(u *User, deviceID string) Endpoint {
	num := u.Extension
	if len(u.Numbers) > 0 {
		num = u.Numbers[0]
	}
	return Endpoint{TenantID: u.TenantID, UserID: u.ID, DeviceID: deviceID, Number: num, Name: u.Name}
}

// dialledExtension is a user reached by extension number: the number seen
// is the extension, as in the seed documents' sample events ("102").
func dialledExtension(u *User) Endpoint {
	ep := userEndpoint(u, "")
	if u.Extension != "" {
		ep.Number = u.Extension
	}
	return ep
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
