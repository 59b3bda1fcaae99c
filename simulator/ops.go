package simulator

import (
	"strconv"
)

// OriginateRequest asks the PBX to place a call.
type OriginateRequest struct {
	From Endpoint
	To   Endpoint
	// Origin says how the call started: "call" (default), or a word the
	// dialect that placed it defines for its way of starting calls.
	Origin string
	// CallerConnected starts the caller's leg answered, as when a PBX first
	// connects the caller's own device and then rings the target.
	CallerConnected bool
	// CallerRingsFirst rings the caller's own phone first, as a PBX's
	// call-me-first dial does when the phone does not auto-answer: the caller's
	// leg is proceeding (its answer policy and the ring timer apply) and
	// the callee is called only once it answers. Ignored with
	// CallerConnected.
	CallerRingsFirst bool
	// Attrs preset vendor attributes (a client-chosen call-id, say); namers
	// fill in the rest.
	CallAttrs, FromAttrs, ToAttrs map[string]string
}

// Originate places a call: the caller's leg, then the callee's leg ringing.
// The callee's answer policy and the ring-no-answer timer start running.
func (s *Sim) Originate(r OriginateRequest) (Call, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkEndpoint(r.From, "from"); err != nil {
		return Call{}, err
	}
	if err := s.checkEndpoint(r.To, "to"); err != nil {
		return Call{}, err
	}
	if r.From.IsUser() && r.From.SameUser(r.To) {
		return Call{}, newError(ErrNotAllowed, "to", r.To.UserID, "a user cannot call themselves")
	}
	if r.Origin == "" {
		r.Origin = "call"
	}
	s.nextCall++
	clk := s.callClock(r.From, r.To)
	c := &call{Call: Call{
		ID:      coreID('C', s.nextCall),
		Origin:  r.Origin,
		Created: clk.Now(),
		Attrs:   ownAttrs(r.CallAttrs),
	}, clock: clk}
	s.calls[c.ID] = c
	if len(s.namers) > 0 {
		// Every namer sees the call as it was before the namers ran.
		snap, _ := s.naming.of(c, nil)
		attrs, own := c.Attrs, false
		for _, n := range s.namers {
			attrs, own = mergeAttrs(attrs, own, n.NameCall(snap, r.From, r.To, s.rand))
		}
		c.Attrs = attrs
	}
	c.fixed = c.fixedBytes()
	s.indexAttrs(c.Attrs, c.ID)

	caller := s.addLeg(c, r.From, r.From, r.To, Outbound, LegSetup, r.FromAttrs)
	s.emit(c, caller, "originate")
	if r.CallerConnected {
		s.setState(c, caller, LegAnswered, "", "originate")
	} else if r.CallerRingsFirst {
		c.callee = &pendingCallee{to: r.To, from: r.From, attrs: r.ToAttrs}
		s.setState(c, caller, LegProceeding, "", "originate")
		s.startRinging(c, caller)
		return c.view(), nil
	}
	s.ringCallee(c, caller, r.To, r.From, r.ToAttrs, "originate")
	return c.view(), nil
}

// namingView is the copy of a call (and of a new leg) that namers read.
// It is the Sim's, reused from one naming to the next, so that naming a
// leg allocates no snapshot; namers do not keep what they are given
// (Namer).
type namingView struct {
	call Call
	leg  Leg
	legs []Leg
}

// of fills the view with c and l (nil for a new call) and returns them.
func (v *namingView) of(c *call, l *leg) (*Call, *Leg) {
	v.legs = v.legs[:0]
	for _, o := range c.legs {
		v.legs = append(v.legs, o.Leg)
	}
	v.call = c.Call
	v.call.Legs = v.legs
	if l == nil {
		return &v.call, nil
	}
	v.leg = l.Leg
	return &v.call, &v.leg
}

// coreID is a call's or leg's core ID, "C12" or "L34", built in one
// allocation (a prefix and strconv.FormatUint take two).
func coreID(prefix byte, n uint64) string {
	var b [21]byte
	b[0] = prefix
	return string(strconv.AppendUint(b[:1], n, 10))
}

// pendingCallee is who a call rings once its caller's phone answers.
type pendingCallee struct {
	to, from Endpoint
	attrs    map[string]string
}

// ringsFirst reports whether l is a caller whose own phone is ringing
// before its callee is called (CallerRingsFirst).
func (l *leg) ringsFirst() bool {
	return l.call.callee != nil && l.Direction == Outbound && l.State.Ringing() && len(l.call.legs) == 1
}

// ringCallee adds the callee's leg and rings it, in the order the
// vendor captures show (the first vendor's reference notes §2.3, CSN):
//   - a user's phone: its leg is set up, the PBX connects the caller (who
//     hears ringback: Answered), then the phone rings (Proceeding);
//   - an outside number: its leg starts ringing (Proceeding, no Setup),
//     and the caller proceeds too; it is answered when the far end answers.
//
// caller is nil when the call already has its connected parties (a blind
// transfer or a forward).
func (s *Sim) ringCallee(c *call, caller *leg, to, from Endpoint, attrs map[string]string, cause string) *leg {
	if !to.IsUser() {
		callee := s.addLeg(c, to, from, to, Inbound, LegProceeding, attrs)
		s.emit(c, callee, cause)
		if caller != nil && caller.State == LegSetup {
			s.setState(c, caller, LegProceeding, "", cause)
		}
		s.startRinging(c, callee)
		return callee
	}
	callee := s.addLeg(c, to, from, to, Inbound, LegSetup, attrs)
	s.emit(c, callee, cause)
	if caller != nil && caller.State.Ringing() {
		s.setState(c, caller, LegAnswered, "", cause)
	}
	s.setState(c, callee, LegProceeding, "", cause)
	s.startRinging(c, callee)
	return callee
}

func (s *Sim) checkEndpoint(e Endpoint, subject string) error {
	if e.IsUser() {
		if _, ok := s.users[userKey{e.TenantID, e.UserID}]; !ok {
			return newError(ErrNotFound, subject, e.UserID, "%s: no user %q in tenant %q", subject, e.UserID, e.TenantID)
		}
		return nil
	}
	if e.Number == "" {
		return newError(ErrInvalid, subject, "", "%s: endpoint has neither user nor number", subject)
	}
	return nil
}

// addLeg appends a leg to c. Runs with the lock held; emits nothing.
func (s *Sim) addLeg(c *call, ep, from, to Endpoint, dir Direction, st LegState, preset map[string]string) *leg {
	s.nextLeg++
	l := &leg{call: c, Leg: Leg{
		ID:        coreID('L', s.nextLeg),
		CallID:    c.ID,
		Index:     len(c.legs) + 1,
		Endpoint:  ep,
		From:      from,
		To:        to,
		Direction: dir,
		State:     st,
		Created:   c.clockOr(s.clock).Now(),
		Attrs:     ownAttrs(preset),
	}}
	c.legs = append(c.legs, l)
	s.legs[l.ID] = l
	if ep.IsUser() {
		k := userKey{ep.TenantID, ep.UserID}
		if s.userLegs[k] == nil {
			s.userLegs[k] = map[string]bool{}
		}
		s.userLegs[k][l.ID] = true
	}
	s.fileLegLocked(c, l)
	if len(s.namers) > 0 {
		// Every namer sees the leg as it was before the namers ran.
		cs, ls := s.naming.of(c, l)
		attrs, own := l.Attrs, false
		for _, n := range s.namers {
			attrs, own = mergeAttrs(attrs, own, n.NameLeg(cs, ls, s.rand))
		}
		l.Attrs = attrs
	}
	l.fixed = legFixed(&l.Leg)
	s.indexAttrs(l.Attrs, l.ID)
	return l
}

// mergeAttrs adds to dst the keys of src it lacks (keys already set win)
// and returns the result. Attribute maps are shared by snapshots and never
// written (call.snapshot), so dst is written only if it is a map of its
// own (own); otherwise the first new key makes a copy, which is then own.
func mergeAttrs(dst map[string]string, own bool, src map[string]string) (map[string]string, bool) {
	if len(dst) == 0 && len(src) > 0 {
		// Nothing to merge with: the namer's map becomes the attributes
		// as it is, shared like any (Namer: it does not change it).
		return src, false
	}
	for k, v := range src {
		if _, ok := dst[k]; ok {
			continue
		}
		if !own {
			cp := make(map[string]string, len(dst)+len(src))
			for k, v := range dst {
				cp[k] = v
			}
			dst, own = cp, true
		}
		dst[k] = v
	}
	return dst, own
}

func (s *Sim) indexAttrs(attrs map[string]string, id string) {
	for k, v := range attrs {
		s.aliases[alias{k, v}] = id
	}
}

func (s *Sim) unindexAttrs(attrs map[string]string, id string) {
	for k, v := range attrs {
		if s.aliases[alias{k, v}] == id {
			delete(s.aliases, alias{k, v})
		}
	}
}

// setState moves a leg to a new state and emits the change.
func (s *Sim) setState(c *call, l *leg, st LegState, why Reason, cause string) {
	now := c.clockOr(s.clock).Now()
	if st == LegAnswered && l.Answered.IsZero() {
		l.Answered = now
	}
	if !st.Live() {
		l.Ended = now
		l.Reason = why
		l.stopTimers()
		if l.Endpoint.IsUser() {
			delete(s.userLegs[userKey{l.Endpoint.TenantID, l.Endpoint.UserID}], l.ID)
		}
	}
	if !st.Ringing() && l.State.Ringing() {
		l.stopTimers()
	}
	l.State = st
	s.emit(c, l, cause)
}

// liveLeg returns a leg that is still in a live call.
func (s *Sim) findLeg(id string) (*leg, error) {
	l, ok := s.legs[id]
	if !ok {
		return nil, newError(ErrNotFound, "leg", id, "leg %q not found", id)
	}
	return l, nil
}

func wrongState(l *leg, op string, want string) error {
	return newError(ErrWrongState, "leg", l.ID, "cannot %s leg %s: it is %s, want %s", op, l.ID, l.State, want)
}

// Answer answers a ringing incoming leg and connects the callers still
// waiting in the call. A caller's own leg is never answered: it connects
// when its callee answers (or starts connected, see CallerConnected).
func (s *Sim) Answer(legID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.answerLocked(legID)
}

func (s *Sim) answerLocked(legID string) error {
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	c := l.call
	if l.ringsFirst() {
		// The caller's own phone answered: now the callee is called.
		p := c.callee
		c.callee = nil
		s.setState(c, l, LegAnswered, "", "answer")
		s.ringCallee(c, l, p.to, p.from, p.attrs, "answer")
		return nil
	}
	if l.Direction != Inbound {
		return newError(ErrWrongState, "leg", l.ID, "cannot answer leg %s: it placed the call; only a ringing incoming leg can be answered", l.ID)
	}
	if !l.State.Ringing() {
		return wrongState(l, "answer", "setup or proceeding")
	}
	s.setState(c, l, LegAnswered, "", "answer")
	for _, o := range c.legs {
		if o != l && o.Direction == Outbound && o.State.Ringing() {
			s.setState(c, o, LegAnswered, "", "answer")
		}
	}
	return nil
}

// Reject refuses a ringing incoming leg. A call left with fewer than two
// live legs ends.
func (s *Sim) Reject(legID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejectLocked(legID, ReasonRejected, "reject")
}

func (s *Sim) rejectLocked(legID string, why Reason, cause string) error {
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	if (l.Direction != Inbound || !l.State.Ringing()) && !l.ringsFirst() {
		return newError(ErrWrongState, "leg", l.ID, "cannot reject leg %s: only a ringing incoming leg can be rejected (it is %s %s)", l.ID, l.Direction, l.State)
	}
	l.call.callee = nil
	s.setState(l.call, l, LegDisconnected, why, cause)
	s.collapse(l.call, cause, why)
	return nil
}

// Hangup ends a leg. A call left with fewer than two live legs ends.
func (s *Sim) Hangup(legID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	if !l.State.Live() {
		return newError(ErrWrongState, "leg", l.ID, "cannot hang up leg %s: it has already %s", l.ID, l.State)
	}
	s.setState(l.call, l, LegDisconnected, ReasonHangup, "hangup")
	s.collapse(l.call, "hangup", ReasonRemoteHangup)
	return nil
}

// HangupCall ends every live leg of a call.
func (s *Sim) HangupCall(callID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.calls[callID]
	if !ok {
		return newError(ErrNotFound, "call", callID, "call %q not found", callID)
	}
	if !c.Ended.IsZero() {
		return newError(ErrWrongState, "call", callID, "call %s has already ended", callID)
	}
	for _, l := range c.legs {
		if l.State.Live() {
			s.setState(c, l, LegDisconnected, ReasonHangup, "hangup")
		}
	}
	return nil
}

// collapse ends a call that has fewer than two live legs left. The legs
// left get reason why, except a callee still ringing, whose caller has
// given up (cancelled).
func (s *Sim) collapse(c *call, cause string, why Reason) {
	var buf [2]*leg
	live := buf[:0] // only a call with fewer than two goes on
	for _, l := range c.legs {
		if l.State.Live() {
			live = append(live, l)
		}
	}
	if len(live) >= 2 {
		return
	}
	for _, l := range live {
		r := why
		if l.Direction == Inbound && l.State.Ringing() {
			r = ReasonCancelled
		}
		s.setState(c, l, LegDisconnected, r, cause)
	}
}

// Hold puts a call on hold from a leg: the leg that holds is the one
// reported held; its peers hear music.
func (s *Sim) Hold(legID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	if l.State != LegAnswered {
		return wrongState(l, "hold", "answered")
	}
	s.setState(l.call, l, LegHeld, "", "hold")
	return nil
}

// Unhold takes a leg off hold.
func (s *Sim) Unhold(legID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	if l.State != LegHeld {
		return wrongState(l, "unhold", "held")
	}
	s.setState(l.call, l, LegAnswered, "", "unhold")
	return nil
}

// Mute mutes or unmutes a connected leg. Setting the value it already has
// succeeds without an event.
func (s *Sim) Mute(legID string, muted bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	if !l.State.Connected() {
		return wrongState(l, "mute", "answered or held")
	}
	if l.Muted == muted {
		return nil
	}
	l.Muted = muted
	cause := "mute"
	if !muted {
		cause = "unmute"
	}
	s.emit(l.call, l, cause)
	return nil
}

// startRinging arms the callee's answer policy and the ring-no-answer timer.
func (s *Sim) startRinging(c *call, l *leg) {
	gen := s.gen
	id := l.ID
	l.ringTimer = s.afterFunc(c.clockOr(s.clock), s.opts.RingTimeout, "ring-timeout", func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen != gen {
			return
		}
		if l, ok := s.legs[id]; ok && l.State.Ringing() {
			s.setState(l.call, l, LegDisconnected, ReasonNoAnswer, "ring-timeout")
			s.collapse(l.call, "ring-timeout", ReasonNoAnswer)
		}
	})
	var policy AnswerPolicy
	if l.Endpoint.IsUser() {
		if u := s.users[userKey{l.Endpoint.TenantID, l.Endpoint.UserID}]; u != nil {
			policy = u.Answer
		}
	} else {
		policy = s.outside[l.Endpoint.Number].Answer
	}
	if policy.Mode == "" || policy.Mode == AnswerManual {
		return
	}
	mode := policy.Mode
	l.answerTmr = s.afterFunc(c.clockOr(s.clock), policy.Delay, "answer-policy", func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen != gen {
			return
		}
		l, ok := s.legs[id]
		if !ok || !l.State.Ringing() {
			return
		}
		if mode == AnswerAuto {
			_ = s.answerLocked(id)
		} else {
			_ = s.rejectLocked(id, ReasonRejected, "auto-reject")
		}
	})
}

// scheduleRetention forgets an ended call after the retention period.
// Calls on the Sim's own clock wait in one queue (retention.go); a call on
// a tenant's clock gets a timer of its own.
func (s *Sim) scheduleRetention(c *call) {
	if s.onSimClock(c) {
		s.retention.add(s, c.ID, c.Ended.Add(s.opts.Retention))
		return
	}
	gen := s.gen
	id := c.ID
	s.afterFunc(c.clockOr(s.clock), s.opts.Retention, "retention", func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen != gen {
			return
		}
		c, ok := s.calls[id]
		if !ok {
			return
		}
		s.forgetLocked(c)
	})
}

func (s *Sim) forgetLocked(c *call) {
	s.unfileCallLocked(c)
	for _, l := range c.legs {
		s.unindexAttrs(l.Attrs, l.ID)
		delete(s.legs, l.ID)
	}
	s.unindexAttrs(c.Attrs, c.ID)
	delete(s.calls, c.ID)
}

// ActiveCallCount returns the number of calls that have not ended.
func (s *Sim) ActiveCallCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c.Ended.IsZero() {
			n++
		}
	}
	return n
}
