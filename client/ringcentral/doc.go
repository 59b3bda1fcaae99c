// Package ringcentral is the reference warm-transfer client for RingCentral
// Call Control. It speaks only the vendor's public surface (OAuth JWT login,
// the Call Control REST API, telephony-session notifications over the
// WebSocket protocol the official SDK uses) and knows nothing about pbxsim,
// so the same code runs against a real RingCentral account.
//
// It owns: login and token refresh, the WebSocket subscription with
// heart-beats and recovery, ordering and de-duplication of telephony-session
// notifications, an operator's view of their sessions (Desk), local checks
// of session and party IDs, typed vendor errors (*APIError), and the warm
// transfer of RingCentral's guide ("Managing warm transfers"):
//
//	c, _ := ringcentral.New(ringcentral.Config{
//		ServerURL: "https://platform.ringcentral.com",
//		ClientID:  id, ClientSecret: secret, JWT: operatorJWT,
//	})
//	if err := c.Login(ctx); err != nil { ... }
//	sub, _ := c.Subscribe(ctx, ringcentral.SubscribeOptions{}) // .../extension/~/telephony/sessions
//	desk := ringcentral.NewDesk(c.OwnerID())
//	go desk.Follow(sub) // learns sessions and the operator's parties
//	// ... the customer's call is answered by the operator ...
//	wt, _ := c.BeginWarmTransfer(ctx, desk, ringcentral.Caller{DeviceID: dev}, ringcentral.Callee{ExtensionNumber: "103"})
//	// ... the consult answers ...
//	party, err := wt.Complete(ctx) // bridge: customer meets consult, operator leaves
package ringcentral
