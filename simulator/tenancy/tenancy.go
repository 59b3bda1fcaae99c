// Package tenancy is what every dialect does alike when tenants come and
// go while pbxsim runs (POST and DELETE /sim/v1/tenants): it keeps the
// dialect's directory of tenants published copy on write, so readers (a
// Namer under the Sim's lock, every request) never lock, and it forgets
// the per-tenant state (tokens, keys) of removed tenants.
//
//	var dir tenancy.Directory[directory]
//	dir.Store(first)
//	gone := dir.Remove((*directory).clone, ids, func(next *directory, id string) bool {
//		_, ok := next.accounts[id]
//		delete(next.accounts, id)
//		return ok
//	}, nil)
//	tenancy.Forget(tokens, gone, func(t token) string { return t.account })
package tenancy

import (
	"sync"
	"sync/atomic"
)

// Directory holds a dialect's directory D, replaced whole on every change.
// A published D is never changed. The zero value holds nil.
type Directory[D any] struct {
	mu sync.Mutex // orders the writers
	p  atomic.Pointer[D]
}

// Load returns the published directory.
func (d *Directory[D]) Load() *D { return d.p.Load() }

// Store publishes v (the first directory, or a test's).
func (d *Directory[D]) Store(v *D) { d.p.Store(v) }

// Change copies the published directory with clone, lets edit change the
// copy and publishes it; if edit fails nothing changes. Writers run one
// at a time.
func (d *Directory[D]) Change(clone func(*D) *D, edit func(next *D) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	next := clone(d.p.Load())
	if err := edit(next); err != nil {
		return err
	}
	d.p.Store(next)
	return nil
}

// Remove takes tenants out of the directory: on a copy, drop removes one
// tenant and reports whether the directory held it, and also (when set)
// removes what goes with the tenants (their OAuth clients). It returns
// the ids that were held, so the caller ends their sockets,
// subscriptions and tokens after, outside the directory's lock.
func (d *Directory[D]) Remove(clone func(*D) *D, ids []string, drop func(next *D, id string) bool, also func(next *D)) map[string]bool {
	gone := map[string]bool{}
	_ = d.Change(clone, func(next *D) error {
		if also != nil {
			also(next)
		}
		for _, id := range ids {
			if drop(next, id) {
				gone[id] = true
			}
		}
		return nil
	})
	return gone
}

// Forget deletes the entries of m that belong to a gone tenant.
func Forget[K comparable, V any](m map[K]V, gone map[string]bool, tenant func(V) string) {
	for k, v := range m {
		if gone[tenant(v)] {
			delete(m, k)
		}
	}
}
