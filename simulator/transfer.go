package simulator

// BlindTransfer sends the call a connected leg is in to another endpoint
// and drops the transferring leg: the transferor ends disconnected with
// reason blind-transfer, a new leg rings at the target, and the remaining
// parties are taken off hold. The target's answer policy applies. why
// defaults to ReasonBlindTransfer; a dialect may give its own reason.
func (s *Sim) BlindTransfer(legID string, to Endpoint, toAttrs map[string]string, why Reason) (Leg, error) {
	if why == "" {
		why = ReasonBlindTransfer
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return Leg{}, err
	}
	if !l.State.Connected() {
		return Leg{}, wrongState(l, "transfer", "answered or held")
	}
	if err := s.checkEndpoint(to, "to"); err != nil {
		return Leg{}, err
	}
	c := l.call
	var buf [4]*leg // most calls have a leg or two besides l
	others := buf[:0]
	for _, o := range c.legs {
		if o != l && o.State.Live() {
			others = append(others, o)
		}
	}
	if len(others) == 0 {
		return Leg{}, newError(ErrWrongState, "leg", l.ID, "cannot transfer leg %s: nobody else is in the call", l.ID)
	}
	for _, o := range others {
		if to.IsUser() && o.Endpoint.SameUser(to) {
			return Leg{}, newError(ErrNotAllowed, "to", to.UserID, "cannot transfer a call to a party already in it")
		}
	}
	s.setState(c, l, LegDisconnected, why, "blind-transfer")
	for _, o := range others {
		if o.State == LegHeld {
			s.setState(c, o, LegAnswered, "", "blind-transfer")
		}
	}
	target := s.ringCallee(c, nil, to, others[0].Endpoint, toAttrs, "blind-transfer")
	return target.snapshot(), nil
}

// AttendedTransfer joins the far legs of two calls that share one user's
// anchor legs and drops the anchors (a warm transfer). anchorA is the
// user's leg in the call that survives (the customer's), anchorB the user's
// leg in the consult call.
//
// Result, in event order: every far leg of call B reappears as a new
// answered leg of call A (MovedFrom set); both anchors end gone with reason
// attended-transfer, each pointing at the other; the far legs of B end gone
// pointing at their new legs, which ends call B; far legs of A on hold are
// taken off hold.
func (s *Sim) AttendedTransfer(anchorA, anchorB string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.findLeg(anchorA)
	if err != nil {
		return err
	}
	b, err := s.findLeg(anchorB)
	if err != nil {
		return err
	}
	if a.call == b.call {
		return newError(ErrNotAllowed, "leg", b.ID, "legs %s and %s are in the same call; an attended transfer joins two calls", a.ID, b.ID)
	}
	if !a.Endpoint.IsUser() || !a.Endpoint.SameUser(b.Endpoint) {
		return newError(ErrNotAllowed, "leg", b.ID, "legs %s and %s do not belong to the same user", a.ID, b.ID)
	}
	for _, l := range []*leg{a, b} {
		if !l.call.Ended.IsZero() {
			return newError(ErrWrongState, "call", l.call.ID, "call %s has already ended", l.call.ID)
		}
		if !l.State.Connected() {
			return wrongState(l, "transfer", "answered or held")
		}
	}
	// Most calls have a far leg or two: the buffers keep them off the heap.
	var bufA, bufB [4]*leg
	farA := farLegs(a, bufA[:0])
	farB := farLegs(b, bufB[:0])
	if len(farA) == 0 {
		return newError(ErrWrongState, "call", a.call.ID, "call %s has nobody left to transfer", a.call.ID)
	}
	if len(farB) == 0 {
		return newError(ErrWrongState, "call", b.call.ID, "call %s has nobody left to transfer to", b.call.ID)
	}
	for _, far := range [...][]*leg{farA, farB} {
		for _, f := range far {
			if !f.State.Connected() {
				return newError(ErrWrongState, "leg", f.ID, "leg %s in call %s has not answered (it is %s)", f.ID, f.call.ID, f.State)
			}
		}
	}
	ca, cb := a.call, b.call
	// The consult joins call A before the operator leaves it, so no view of
	// call A ever shows the customer alone (a vendor's active-call view with
	// an empty far side, say).
	for _, f := range farB {
		moved := s.addLeg(ca, f.Endpoint, f.From, f.To, f.Direction, LegAnswered, nil)
		moved.Answered = f.Answered
		moved.Muted = f.Muted
		moved.MovedFrom = &LegRef{CallID: cb.ID, LegID: f.ID}
		f.Peer = &LegRef{CallID: ca.ID, LegID: moved.ID}
		s.emit(ca, moved, "attended-transfer")
	}
	a.Peer = &LegRef{CallID: cb.ID, LegID: b.ID}
	b.Peer = &LegRef{CallID: ca.ID, LegID: a.ID}
	s.setState(ca, a, LegGone, ReasonAttendedTransfer, "attended-transfer")
	s.setState(cb, b, LegGone, ReasonAttendedTransfer, "attended-transfer")
	for _, f := range farB {
		s.setState(cb, f, LegGone, ReasonAttendedTransfer, "attended-transfer")
	}
	for _, f := range farA {
		if f.State == LegHeld {
			s.setState(ca, f, LegAnswered, "", "attended-transfer")
		}
	}
	return nil
}

// farLegs appends to out the live legs of anchor's call but anchor.
func farLegs(anchor *leg, out []*leg) []*leg {
	for _, l := range anchor.call.legs {
		if l != anchor && l.State.Live() {
			out = append(out, l)
		}
	}
	return out
}

// Forward sends a ringing incoming leg's call elsewhere before it is
// answered: the leg ends disconnected with reason forwarded and a new leg
// rings at the target.
func (s *Sim) Forward(legID string, to Endpoint, toAttrs map[string]string) (Leg, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return Leg{}, err
	}
	if l.Direction != Inbound || !l.State.Ringing() {
		return Leg{}, newError(ErrWrongState, "leg", l.ID, "cannot forward leg %s: only a ringing incoming leg can be forwarded (it is %s %s)", l.ID, l.Direction, l.State)
	}
	if err := s.checkEndpoint(to, "to"); err != nil {
		return Leg{}, err
	}
	if to.IsUser() && to.SameUser(l.From) {
		return Leg{}, newError(ErrNotAllowed, "to", to.UserID, "cannot forward a call to its caller")
	}
	c := l.call
	s.setState(c, l, LegDisconnected, ReasonForwarded, "forward")
	target := s.ringCallee(c, nil, to, l.From, toAttrs, "forward")
	return target.snapshot(), nil
}

// Park parks the call from a connected leg on an orbit ("*801"): the leg is
// reported parked and its peers hear music until the call ends.
func (s *Sim) Park(legID, orbit string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.findLeg(legID)
	if err != nil {
		return err
	}
	if !l.State.Connected() {
		return wrongState(l, "park", "answered or held")
	}
	l.ParkOrbit = orbit
	s.setState(l.call, l, LegParked, "", "park")
	return nil
}
