package board

import (
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/control"
)

// Snapshot is everything the board shows at one moment.
type Snapshot struct {
	// Reason says why the snapshot was sent: "connect", "behind" (the
	// browser fell behind and was resynchronised), "reset", "directory".
	Reason string    `json:"reason"`
	Now    time.Time `json:"now"`
	// Tenant is the filter ("" shows every tenant).
	Tenant string `json:"tenant"`
	// Directory lists every tenant (for the filter); Tenants the shown
	// ones with their users and devices.
	Directory []TenantRef        `json:"directory"`
	Tenants   []TenantView       `json:"tenants"`
	Calls     []control.CallView `json:"calls"`
	// CallsOmitted counts calls left out by Limits.Calls.
	CallsOmitted int                 `json:"callsOmitted,omitempty"`
	Events       []control.EventView `json:"events"`
	Journal      []JournalView       `json:"journal"`
	// LastEvent and LastJournal are where the stream continues from.
	LastEvent   uint64 `json:"lastEvent"`
	LastJournal uint64 `json:"lastJournal"`
}

// TenantRef names a tenant.
type TenantRef struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// TenantView is a tenant with its users.
type TenantView struct {
	TenantRef
	Users []UserView `json:"users"`
}

// UserView is a user with the phones it can be reached on.
type UserView struct {
	ID        string       `json:"id"`
	Extension string       `json:"extension,omitempty"`
	Name      string       `json:"name"`
	Numbers   []string     `json:"numbers,omitempty"`
	Devices   []DeviceView `json:"devices,omitempty"`
	Answer    string       `json:"answer"`
	// LiveCalls counts the active calls the user has a live leg in.
	LiveCalls int `json:"liveCalls"`
}

// DeviceView is a user's phone.
type DeviceView struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	Type string `json:"type,omitempty"`
}

// JournalView is a journal entry as the feed shows it: bodies clipped.
type JournalView struct {
	Seq      uint64    `json:"seq"`
	Time     time.Time `json:"time"`
	Dialect  string    `json:"dialect"`
	Tenant   string    `json:"tenant,omitempty"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	Query    string    `json:"query,omitempty"`
	Status   int       `json:"status"`
	Body     string    `json:"body,omitempty"`
	Response string    `json:"response,omitempty"`
	Note     string    `json:"note,omitempty"`
}

func (b *Board) viewJournal(e simulator.JournalEntry) JournalView {
	n := b.limits.BodyBytes
	return JournalView{
		Seq: e.Seq, Time: e.Time, Dialect: e.Dialect, Tenant: e.Tenant, Method: e.Method, Path: e.Path,
		Query: clip(e.Query, n), Status: e.Status, Body: clip(e.Body, n), Response: clip(e.Response, n), Note: clip(e.Note, n),
	}
}

// snapshot reads the state through the core: the directory, the calls
// (active first, then the newest ended, at most Limits.Calls) and the
// newest events and journal entries (at most Limits.Feed each).
func (b *Board) snapshot(tenant, reason string) Snapshot {
	// Read the sequence numbers first: anything newer than them reaches
	// the browser through the stream, at worst twice, never not at all.
	lastEvent := b.sim.LastEventSeq()
	snap := Snapshot{Reason: reason, Now: b.sim.Now(), Tenant: tenant, Directory: []TenantRef{}, Tenants: []TenantView{},
		Calls: []control.CallView{}, Events: []control.EventView{}, Journal: []JournalView{}}
	for _, t := range b.sim.Tenants() {
		ref := TenantRef{ID: t.ID, Kind: t.Kind, Name: t.Name}
		snap.Directory = append(snap.Directory, ref)
		if tenant != "" && t.ID != tenant {
			continue
		}
		tv := TenantView{TenantRef: ref, Users: []UserView{}}
		for _, u := range b.sim.Users(t.ID) {
			var devices []DeviceView
			for _, d := range u.Devices {
				devices = append(devices, DeviceView{ID: d.ID, Name: d.Name, Type: d.Type})
			}
			tv.Users = append(tv.Users, UserView{
				ID: u.ID, Extension: u.Extension, Name: u.Name, Numbers: u.Numbers, Devices: devices,
				Answer: string(u.Answer.Mode), LiveCalls: len(b.sim.CallsOfUser(t.ID, u.ID)),
			})
		}
		snap.Tenants = append(snap.Tenants, tv)
	}
	var active, ended []simulator.Call
	for _, c := range b.sim.Calls() {
		if tenant != "" && !touches(c, tenant) {
			continue
		}
		if c.Active() {
			active = append(active, c)
		} else {
			ended = append(ended, c)
		}
	}
	// Newest ended calls first, after every active one.
	for i, j := 0, len(ended)-1; i < j; i, j = i+1, j-1 {
		ended[i], ended[j] = ended[j], ended[i]
	}
	for _, c := range append(active, ended...) {
		if len(snap.Calls) >= b.limits.Calls {
			snap.CallsOmitted++
			continue
		}
		snap.Calls = append(snap.Calls, control.ViewCall(c))
	}
	var events []control.EventView
	for _, e := range b.sim.Events(0) {
		if e.Seq > lastEvent {
			break
		}
		if tenant == "" || touches(e.Call, tenant) {
			events = append(events, control.ViewEvent(e))
		}
	}
	if len(events) > b.limits.Feed {
		events = events[len(events)-b.limits.Feed:]
	}
	snap.Events = append(snap.Events, events...)
	snap.LastEvent = lastEvent
	entries := b.sim.Journal().Entries(simulator.JournalFilter{Tenant: tenant})
	if len(entries) > b.limits.Feed {
		entries = entries[len(entries)-b.limits.Feed:]
	}
	for _, e := range entries {
		snap.Journal = append(snap.Journal, b.viewJournal(e))
		snap.LastJournal = e.Seq
	}
	return snap
}
