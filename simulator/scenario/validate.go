package scenario

import (
	"fmt"
	"regexp"
	"time"
)

var (
	e164       = regexp.MustCompile(`^\+[1-9][0-9]{3,14}$`)
	digits     = regexp.MustCompile(`^[0-9]+$`)
	extNumber  = regexp.MustCompile(`^[0-9]{1,8}$`)
	nsDomain   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	nsAPIKey   = regexp.MustCompile(`^ns[sdru]_[A-Za-z0-9]{56}$`)
	answerMode = map[string]bool{"": true, "manual": true, "answer": true, "reject": true}
	nsScopes   = map[string]bool{"": true, "Basic User": true, "Simple User": true, "Advanced User": true,
		"Call Center Agent": true, "Site Manager": true, "Call Center Supervisor": true,
		"Office Manager": true, "Reseller": true, "Super User": true}
)

func (sc *Scenario) validate() error {
	switch sc.Clock {
	case "", "real", "manual":
	default:
		return bad("clock", "clock must be \"real\" or \"manual\", not %q", sc.Clock)
	}
	if sc.StartTime != "" {
		if _, err := time.Parse(time.RFC3339, sc.StartTime); err != nil {
			return bad("startTime", "startTime %q is not an RFC 3339 time", sc.StartTime)
		}
	}
	if sc.RingCentral == nil && sc.NetSapiens == nil {
		return bad("", "the scenario has neither a ringcentral nor a netsapiens section")
	}
	numbers := map[string]string{} // number -> path of its owner
	claim := func(path, n string) error {
		if !e164.MatchString(n) {
			return bad(path, "%q is not an E.164 number (want +<country><number>)", n)
		}
		if prev, ok := numbers[n]; ok {
			return bad(path, "number %s is already used at %s", n, prev)
		}
		numbers[n] = path
		return nil
	}
	devices := map[string]string{}
	claimDevices := func(path string, ds []Device) error {
		for i, d := range ds {
			p := fmt.Sprintf("%s.devices[%d]", path, i)
			if d.ID == "" {
				return bad(p, "device has no id")
			}
			if prev, ok := devices[d.ID]; ok {
				return bad(p+".id", "device id %q is already used at %s", d.ID, prev)
			}
			devices[d.ID] = p
		}
		return nil
	}
	if rc := sc.RingCentral; rc != nil {
		if err := rc.validate(claim, claimDevices); err != nil {
			return err
		}
	}
	if ns := sc.NetSapiens; ns != nil {
		if err := ns.validate(claim, claimDevices); err != nil {
			return err
		}
	}
	for i, o := range sc.Outside {
		p := fmt.Sprintf("outside[%d]", i)
		if err := claim(p+".number", o.Number); err != nil {
			return err
		}
		if err := o.Answer.validate(p + ".answer"); err != nil {
			return err
		}
	}
	return sc.validateFaults()
}

type claimFunc func(path, number string) error
type claimDevicesFunc func(path string, ds []Device) error

func (rc *RingCentral) validate(claim claimFunc, claimDevices claimDevicesFunc) error {
	if len(rc.Clients) == 0 {
		return bad("ringcentral", "ringcentral needs at least one OAuth client under clients")
	}
	for i, c := range rc.Clients {
		if c.ID == "" {
			return bad(fmt.Sprintf("ringcentral.clients[%d]", i), "client has no id")
		}
	}
	if len(rc.Accounts) == 0 {
		return bad("ringcentral", "ringcentral has no accounts")
	}
	extIDs := map[string]string{}
	jwts := map[string]string{}
	for i, a := range rc.Accounts {
		p := fmt.Sprintf("ringcentral.accounts[%d]", i)
		if !digits.MatchString(a.ID) {
			return bad(p+".id", "account id %q must be numeric", a.ID)
		}
		if a.MainNumber != "" {
			if err := claim(p+".mainNumber", a.MainNumber); err != nil {
				return err
			}
		}
		if err := checkQuirks("ringcentral", a.Quirks); err != nil {
			return bad(p+".quirks", "account %s: %v", a.ID, err)
		}
		if a.RateLimits != nil {
			if err := a.RateLimits.validate(p + ".rateLimits"); err != nil {
				return err
			}
		}
		exts := map[string]bool{}
		for j, e := range a.Extensions {
			ep := fmt.Sprintf("%s.extensions[%d]", p, j)
			if !digits.MatchString(e.ID) {
				return bad(ep+".id", "extension id %q must be numeric", e.ID)
			}
			if prev, ok := extIDs[e.ID]; ok {
				return bad(ep+".id", "extension id %s is already used at %s", e.ID, prev)
			}
			extIDs[e.ID] = ep
			if !extNumber.MatchString(e.Number) {
				return bad(ep+".number", "extension %s: number %q must be 1 to 8 digits", e.ID, e.Number)
			}
			if exts[e.Number] {
				return bad(ep+".number", "extension number %s appears twice in account %s", e.Number, a.ID)
			}
			exts[e.Number] = true
			if e.Name == "" {
				return bad(ep, "extension %s has no name", e.Number)
			}
			for k, n := range e.PhoneNumbers {
				if err := claim(fmt.Sprintf("%s.phoneNumbers[%d]", ep, k), n); err != nil {
					return err
				}
			}
			if err := claimDevices(ep, e.Devices); err != nil {
				return err
			}
			if e.JWT != "" {
				if prev, ok := jwts[e.JWT]; ok {
					return bad(ep+".jwt", "jwt %q is already used at %s", e.JWT, prev)
				}
				jwts[e.JWT] = ep
			}
			if err := e.Answer.validate(ep + ".answer"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (ns *NetSapiens) validate(claim claimFunc, claimDevices claimDevicesFunc) error {
	if len(ns.Domains) == 0 {
		return bad("netsapiens", "netsapiens has no domains")
	}
	keys := map[string]string{}
	for i, d := range ns.Domains {
		p := fmt.Sprintf("netsapiens.domains[%d]", i)
		if !nsDomain.MatchString(d.Name) {
			return bad(p+".name", "domain name %q is not valid", d.Name)
		}
		if err := checkQuirks("netsapiens", d.Quirks); err != nil {
			return bad(p+".quirks", "domain %s: %v", d.Name, err)
		}
		users := map[string]bool{}
		for j, u := range d.Users {
			up := fmt.Sprintf("%s.users[%d]", p, j)
			if !extNumber.MatchString(u.ID) {
				return bad(up+".id", "user id %q must be 1 to 8 digits", u.ID)
			}
			if users[u.ID] {
				return bad(up+".id", "user %s appears twice in domain %s", u.ID, d.Name)
			}
			users[u.ID] = true
			if !nsScopes[u.Scope] {
				return bad(up+".scope", "user %s: unknown scope %q", u.ID, u.Scope)
			}
			for k, n := range u.Numbers {
				if err := claim(fmt.Sprintf("%s.numbers[%d]", up, k), n); err != nil {
					return err
				}
			}
			if err := claimDevices(up, u.Devices); err != nil {
				return err
			}
			if err := u.Answer.validate(up + ".answer"); err != nil {
				return err
			}
		}
		for j, k := range d.APIKeys {
			kp := fmt.Sprintf("%s.apiKeys[%d]", p, j)
			if !nsAPIKey.MatchString(k.Key) {
				return bad(kp+".key", "API key must be 60 characters: a prefix nss_, nsr_, nsd_ or nsu_ and 56 letters or digits")
			}
			if prev, ok := keys[k.Key]; ok {
				return bad(kp+".key", "API key is already used at %s", prev)
			}
			keys[k.Key] = kp
			if k.Key[:4] == "nsu_" && !users[k.User] {
				return bad(kp+".user", "a user key (nsu_) needs user: one of the domain's users, not %q", k.User)
			}
			if k.User != "" && !users[k.User] {
				return bad(kp+".user", "user %q is not in domain %s", k.User, d.Name)
			}
		}
	}
	return nil
}

func (a Answer) validate(path string) error {
	if !answerMode[a.Mode] {
		return bad(path+".mode", "answer mode must be manual, answer or reject, not %q", a.Mode)
	}
	return nil
}

func (sc *Scenario) defaults() {
	if sc.Clock == "" {
		sc.Clock = "real"
	}
	if sc.RingTimeout == 0 {
		sc.RingTimeout = Duration(60 * time.Second)
	}
	if sc.Retention == 0 {
		sc.Retention = Duration(5 * time.Minute)
	}
	if rc := sc.RingCentral; rc != nil {
		if rc.AccessTokenTTL == 0 {
			rc.AccessTokenTTL = Duration(time.Hour)
		}
		if rc.RefreshTokenTTL == 0 {
			rc.RefreshTokenTTL = Duration(7 * 24 * time.Hour)
		}
	}
	if ns := sc.NetSapiens; ns != nil {
		if ns.CoreServer == "" {
			ns.CoreServer = "core1-pbxsim.netsapiens.test"
		}
		if ns.ApplyDelay == 0 {
			ns.ApplyDelay = Duration(300 * time.Millisecond)
		}
		if ns.TokenTTL == 0 {
			ns.TokenTTL = Duration(time.Hour)
		}
	}
}
