package ringcentral

import (
	"math/rand"
	"testing"
)

// Rule: the hand-made draws are math/rand's, value for value and draw for
// draw, so every ID of a seeded run is what it was. Source: issue 16
// (fan-out: the draws per subscriber), the scenario's seed (reproducible
// runs).
func TestDrawsAreMathRands(t *testing.T) {
	for seed := int64(0); seed < 50; seed++ {
		mine, theirs := rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed))
		for i := 0; i < 2000; i++ {
			var got, want int
			switch i % 3 {
			case 0:
				got, want = int(hexDigit(mine)), int("0123456789abcdef"[theirs.Intn(16)])
			case 1:
				got, want = int(decimalBelow(mine, 10)), '0'+theirs.Intn(10)
			default:
				got, want = int(decimalBelow(mine, 9)), '0'+theirs.Intn(9)
			}
			if got != want {
				t.Fatalf("seed %d draw %d: %c, want %c", seed, i, got, want)
			}
		}
		if a, b := mine.Int63(), theirs.Int63(); a != b {
			t.Fatalf("seed %d: the sources drifted apart", seed)
		}
	}
}
