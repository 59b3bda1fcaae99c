package netsapiens

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Tenant clocks (issue 12 item 2): a domain may run on its own manual
// clock (simulator.Sim.ClockOf). Its tokens and JWTs are issued and
// expire on that clock, its 202-then-apply changes wait on it, and its
// calls' timers run on it in the core.

// jwtNow is the time on the clock of the domain a JWT names. The claims
// are read before the signature is checked: a forged domain only picks
// the clock the expiry is read on, and parseJWT refuses the forgery.
func (d *Dialect) jwtNow(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return d.sim.Now()
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Domain string `json:"domain"`
	}
	if err != nil || json.Unmarshal(raw, &c) != nil {
		return d.sim.Now()
	}
	return d.sim.NowOf(c.Domain)
}

// refreshNow is the time on the clock of the domain a refresh token was
// issued to (the Sim's for an unknown token).
func (d *Dialect) refreshNow(tok string) time.Time {
	d.creds.mu.Lock()
	g, ok := d.creds.refresh[tok]
	d.creds.mu.Unlock()
	if !ok {
		return d.sim.Now()
	}
	return d.sim.NowOf(g.domain)
}
