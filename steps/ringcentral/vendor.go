package ringcentral

import (
	"github.com/xfer-conform/xfer-conform/steps"
)

// Name is RingCentral's name in flags, facts, tags and journals.
const Name = "ringcentral"

func init() { steps.Register(Vendor{}) }

// Vendor is RingCentral's plug-in to the harness (steps.Vendor).
type Vendor struct{}

// Name is "ringcentral".
func (Vendor) Name() string { return Name }
