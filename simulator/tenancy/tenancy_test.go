package tenancy

import (
	"errors"
	"testing"
)

type dir struct{ tenants map[string]bool }

func (d *dir) clone() *dir {
	next := &dir{tenants: map[string]bool{}}
	for k := range d.tenants {
		next.tenants[k] = true
	}
	return next
}

// Rule: a published directory is never changed; a failed change
// publishes nothing; removal reports only the tenants that were there.
// Source: issue 12 item 1 (tenants added and removed at runtime, readers never lock).
func TestCopyOnWrite(t *testing.T) {
	var d Directory[dir]
	d.Store(&dir{tenants: map[string]bool{"a": true}})
	first := d.Load()
	if err := d.Change((*dir).clone, func(n *dir) error { n.tenants["b"] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(first.tenants) != 1 || len(d.Load().tenants) != 2 {
		t.Fatalf("published %v, now %v", first.tenants, d.Load().tenants)
	}
	if err := d.Change((*dir).clone, func(n *dir) error { n.tenants["c"] = true; return errors.New("no") }); err == nil || d.Load().tenants["c"] {
		t.Fatal("a failed change was published")
	}
	gone := d.Remove((*dir).clone, []string{"a", "x"}, func(n *dir, id string) bool {
		ok := n.tenants[id]
		delete(n.tenants, id)
		return ok
	}, nil)
	if len(gone) != 1 || !gone["a"] || d.Load().tenants["a"] {
		t.Fatalf("gone %v, left %v", gone, d.Load().tenants)
	}
	m := map[string]string{"t1": "a", "t2": "b"}
	Forget(m, gone, func(v string) string { return v })
	if len(m) != 1 || m["t2"] != "b" {
		t.Fatalf("Forget left %v", m)
	}
}
