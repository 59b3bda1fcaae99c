package replay

import (
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	"github.com/xfer-conform/xfer-conform/simulator/ringcentral"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// creds finds in the scenario the credentials a recording redacted: the
// replay logs in again with them.
type creds struct{ sc *scenario.Scenario }

func (c creds) clientSecret(id string) (string, bool) {
	if rc := ringcentral.SectionOf(c.sc); rc != nil {
		for _, cl := range rc.Clients {
			if cl.ID == id {
				return cl.Secret, true
			}
		}
	}
	if ns := netsapiens.SectionOf(c.sc); ns != nil {
		for _, cl := range ns.Clients {
			if cl.ID == id {
				return cl.Secret, true
			}
		}
	}
	return "", false
}

func (c creds) extensions() []ringcentral.Extension {
	var out []ringcentral.Extension
	if rc := ringcentral.SectionOf(c.sc); rc != nil {
		for _, a := range rc.Accounts {
			out = append(out, a.Extensions...)
		}
	}
	return out
}

// jwt is the JWT credential of the extension the recorded answer named
// (owner_id).
func (c creds) jwt(owner string) (string, bool) {
	for _, e := range c.extensions() {
		if e.ID == owner && e.JWT != "" {
			return e.JWT, true
		}
	}
	return "", false
}

// password is the password of a user named by login name (an RC
// extension number, phone number or ID; an NS user or user@domain), or
// of the recorded answer's owner.
func (c creds) password(username, owner string) (string, bool) {
	for _, e := range c.extensions() {
		if e.Password == "" {
			continue
		}
		if e.ID == owner || e.ID == username || e.Number == username || contains(e.PhoneNumbers, username) {
			return e.Password, true
		}
	}
	if ns := netsapiens.SectionOf(c.sc); ns != nil {
		user, domain, _ := strings.Cut(username, "@")
		for _, d := range ns.Domains {
			if domain != "" && !strings.EqualFold(d.Name, domain) {
				continue
			}
			for _, u := range d.Users {
				if u.ID == user && u.Password != "" {
					return u.Password, true
				}
			}
		}
	}
	return "", false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
