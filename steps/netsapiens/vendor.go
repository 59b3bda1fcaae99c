package netsapiens

import (
	"github.com/xfer-conform/xfer-conform/steps"
)

// Name is NetSapiens' name in flags, facts, tags and journals.
const Name = "netsapiens"

func init() { steps.Register(Vendor{}) }

// Vendor is NetSapiens' plug-in to the harness (steps.Vendor).
type Vendor struct{}

// Name is "netsapiens".
func (Vendor) Name() string { return Name }
