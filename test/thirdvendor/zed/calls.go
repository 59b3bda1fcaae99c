package zed

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// legView is one of a user's legs as Zed shows it.
type legView struct {
	Leg   string `json:"leg"`
	Call  string `json:"call"`
	State string `json:"state"`
	From  string `json:"from"`
	To    string `json:"to"`
}

func (d *Dialect) user(w http.ResponseWriter, r *http.Request, tenant string) (simulator.User, bool) {
	u, ok := d.sim.User(tenant, mux.Vars(r)["user"])
	if !ok {
		writeError(w, refuse(errNotFound, "no user %s", mux.Vars(r)["user"]))
	}
	return u, ok
}

func (d *Dialect) listCalls(w http.ResponseWriter, r *http.Request, tenant string) {
	u, ok := d.user(w, r, tenant)
	if !ok {
		return
	}
	out := []legView{}
	for _, c := range d.sim.CallsOfUser(tenant, u.ID) {
		for _, l := range c.Legs {
			if l.Endpoint.TenantID == tenant && l.Endpoint.UserID == u.ID && l.State.Live() {
				out = append(out, legView{Leg: l.ID, Call: c.ID, State: string(l.State), From: l.From.Number, To: l.To.Number})
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"calls": out})
}

// ownLeg finds the path's leg among the user's own.
func (d *Dialect) ownLeg(w http.ResponseWriter, r *http.Request, tenant string) (simulator.Leg, bool) {
	u, ok := d.user(w, r, tenant)
	if !ok {
		return simulator.Leg{}, false
	}
	l, _, err := d.sim.Leg(mux.Vars(r)["leg"])
	if err != nil || l.Endpoint.TenantID != tenant || l.Endpoint.UserID != u.ID {
		writeError(w, refuse(errNotFound, "user %s has no leg %s", u.ID, mux.Vars(r)["leg"]))
		return simulator.Leg{}, false
	}
	return l, true
}

func (d *Dialect) answer(w http.ResponseWriter, r *http.Request, tenant string) {
	l, ok := d.ownLeg(w, r, tenant)
	if !ok {
		return
	}
	if err := d.sim.Answer(l.ID); err != nil {
		writeError(w, coreError(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (d *Dialect) hangUp(w http.ResponseWriter, r *http.Request, tenant string) {
	l, ok := d.ownLeg(w, r, tenant)
	if !ok {
		return
	}
	if err := d.sim.Hangup(l.ID); err != nil {
		writeError(w, coreError(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// coreError maps a core refusal into the vocabulary.
func coreError(err error) zedError {
	var ce *simulator.Error
	if errors.As(err, &ce) && ce.Code == simulator.ErrNotFound {
		return refuse(errNotFound, "%s", ce.Message)
	}
	return refuse(errConflict, "%s", err.Error())
}
