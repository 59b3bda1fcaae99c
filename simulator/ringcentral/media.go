package ringcentral

import "sync"

// recording is a call recording started through the API. The core has no
// media, so the dialect keeps recordings itself, per party.
type recording struct {
	ID     string
	Active bool
}

type recordingJS struct {
	ID     string `json:"id"`
	Active bool   `json:"active"`
}

type mediaState struct {
	mu      sync.Mutex
	byParty map[string][]*recording
}

func newMediaState() *mediaState { return &mediaState{byParty: map[string][]*recording{}} }

func (m *mediaState) start(partyID, id string) recordingJS {
	m.mu.Lock()
	defer m.mu.Unlock()
	rec := &recording{ID: id, Active: true}
	m.byParty[partyID] = append(m.byParty[partyID], rec)
	return recordingJS{ID: rec.ID, Active: rec.Active}
}

// set pauses or resumes a party's recording; false when there is none.
func (m *mediaState) set(partyID, id string, active bool) (recordingJS, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, rec := range m.byParty[partyID] {
		if rec.ID == id {
			rec.Active = active
			return recordingJS{ID: rec.ID, Active: rec.Active}, true
		}
	}
	return recordingJS{}, false
}

func (m *mediaState) recordingsOf(partyID string) []recordingJS {
	m.mu.Lock()
	defer m.mu.Unlock()
	recs := m.byParty[partyID]
	if len(recs) == 0 {
		return nil
	}
	out := make([]recordingJS, len(recs))
	for i, rec := range recs {
		out[i] = recordingJS{ID: rec.ID, Active: rec.Active}
	}
	return out
}
