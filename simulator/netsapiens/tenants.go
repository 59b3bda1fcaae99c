package netsapiens

import (
	"fmt"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator/tenancy"
)

// Tenants on demand (issue 12 item 1): pbxsim's control API adds and
// removes NetSapiens domains while the server runs. The directory is
// copied and replaced whole, so readers never lock; the caller applies the
// domains to (or removes them from) the core.

// directory is the dialect's view of the domains: quirks, users and OAuth
// clients. A published directory is never changed.
type directory struct {
	profiles map[string]profile         // domain -> quirks; also the set of domains
	users    map[string]map[string]User // domain -> user -> credentials and scope
	clients  map[string]string          // OAuth client id -> secret
	fold     map[string]string          // lower-case domain -> domain
}

func newDirectory() *directory {
	return &directory{profiles: map[string]profile{}, users: map[string]map[string]User{},
		clients: map[string]string{}, fold: map[string]string{}}
}

func (d *Dialect) dir() *directory { return d.dirp.Load() }

// add puts ns's domains and clients in dir (not yet published).
func (dir *directory) add(ns *Section) {
	for _, c := range ns.Clients {
		dir.clients[c.ID] = c.Secret
	}
	for _, dom := range ns.Domains {
		dir.profiles[dom.Name] = newProfile(dom.Quirks)
		dir.fold[strings.ToLower(dom.Name)] = dom.Name
		dir.users[dom.Name] = map[string]User{}
		for _, u := range dom.Users {
			dir.users[dom.Name][u.ID] = u
		}
	}
}

func (dir *directory) clone() *directory {
	next := newDirectory()
	for k, v := range dir.profiles {
		next.profiles[k] = v
	}
	for k, v := range dir.users {
		next.users[k] = v
	}
	for k, v := range dir.clients {
		next.clients[k] = v
	}
	for k, v := range dir.fold {
		next.fold[k] = v
	}
	return next
}

// AddDomains adds the domains, API keys and OAuth clients of ns. A domain
// or client already known is refused and nothing is added.
func (d *Dialect) AddDomains(ns *Section) error {
	return d.dirp.Change((*directory).clone, func(next *directory) error {
		for _, c := range ns.Clients {
			if _, dup := next.clients[c.ID]; dup {
				return fmt.Errorf("netsapiens: OAuth client %s already exists", c.ID)
			}
		}
		for _, dom := range ns.Domains {
			if _, dup := next.fold[strings.ToLower(dom.Name)]; dup {
				return fmt.Errorf("netsapiens: domain %s already exists", dom.Name)
			}
		}
		next.add(ns)
		d.creds.addKeys(ns.Domains)
		d.namer.setDomains(ns.Domains, true)
		return nil
	})
}

// RemoveDomains forgets the domains and OAuth clients of ns: their
// subscriptions end (deliveries stop), their keys and tokens are dropped.
func (d *Dialect) RemoveDomains(ns *Section) {
	gone := d.dirp.Remove((*directory).clone, ns.TenantIDs(), (*directory).dropDomain, func(next *directory) {
		for _, c := range ns.Clients {
			delete(next.clients, c.ID)
		}
	})
	d.namer.setDomains(ns.Domains, false)
	d.creds.forgetDomains(gone)
	d.subs.mu.Lock()
	for _, sub := range d.subs.byID {
		if gone[sub.domain] {
			d.subs.remove(sub)
		}
	}
	d.subs.mu.Unlock()
}

// dropDomain removes a domain from a directory copy.
func (dir *directory) dropDomain(name string) bool {
	if _, ok := dir.profiles[name]; !ok {
		return false
	}
	delete(dir.profiles, name)
	delete(dir.users, name)
	delete(dir.fold, strings.ToLower(name))
	return true
}

func (c *credentials) addKeys(domains []Domain) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, d := range domains {
		for _, k := range d.APIKeys {
			scope := keyScope[k.Key[:4]]
			c.keys[k.Key] = principal{
				kind: "apikey", domain: d.Name, user: k.User, scope: scope,
				level: levelOfScope(scope), readOnly: k.ReadOnly,
			}
		}
	}
}

func (c *credentials) forgetDomains(gone map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	domainOf := func(p principal) string { return p.domain }
	tenancy.Forget(c.keys, gone, domainOf)
	tenancy.Forget(c.access, gone, domainOf)
	tenancy.Forget(c.refresh, gone, func(g refreshGrant) string { return g.domain })
}
