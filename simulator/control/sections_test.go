package control_test

// The control API's tests load the built-in scenario, whose tenants live in the
// dialects' sections: linking the dialects registers those sections
// (scenario.RegisterSection). The control API itself imports no dialect.
import (
	_ "github.com/xfer-conform/xfer-conform/simulator/netsapiens"
	_ "github.com/xfer-conform/xfer-conform/simulator/ringcentral"
)
