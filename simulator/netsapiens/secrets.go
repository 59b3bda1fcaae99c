package netsapiens

import (
	"crypto/rand"
	mrand "math/rand"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// secretSource draws what must not be guessable: access and refresh
// tokens, JWT ids and the JWT signing key. They come from crypto/rand,
// because the seed of a scenario is public (issue 10 item 2: a key drawn
// from the seed let anyone sign a Super User JWT). A scenario that sets
// reproducibleSecrets draws them from the Sim's seeded source instead, so
// a rerun issues the same tokens; that is unsafe on a shared host.
type secretSource struct {
	sim          *simulator.Sim // the seeded source, used only when reproducible
	reproducible bool
}

func newSecretSource(sim *simulator.Sim, reproducible bool) secretSource {
	return secretSource{sim: sim, reproducible: reproducible}
}

// bytes returns n secret bytes.
func (s secretSource) bytes(n int) []byte {
	b := make([]byte, n)
	if s.reproducible {
		s.sim.Rand(func(r *mrand.Rand) { r.Read(b) })
		return b
	}
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return b
}

// hex returns a secret of n lower-case hex digits.
func (s secretSource) hex(n int) string {
	if s.reproducible {
		var out string
		s.sim.Rand(func(r *mrand.Rand) { out = hex(r, n) })
		return out
	}
	const digits = "0123456789abcdef"
	b := s.bytes(n)
	for i := range b {
		b[i] = digits[b[i]&0x0f]
	}
	return string(b)
}
