package control

import (
	"net/http"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// This file shares the control API's views and token check with the
// other pbxsim surfaces that show the same state (the call board), so a
// call looks the same everywhere and one rule guards every door.

// ViewCall returns a call as the control API shows it.
func ViewCall(c simulator.Call) CallView { return viewCall(c) }

// ViewEvent returns an event as the control API shows it.
func ViewEvent(e *simulator.Event) EventView { return viewEvent(e) }

// RequireToken guards next with the control API's token check: when token
// is set, a request needs "Authorization: Bearer <token>", else it gets
// the control API's 401.
func RequireToken(token string) func(http.Handler) http.Handler {
	return (&API{opts: Options{Token: token}}).auth
}
