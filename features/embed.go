// Package features embeds xfer-conform's executable specs: the expected
// transfer behaviour of each vendor, in Gherkin, one folder per vendor.
// The xfer-conform binary carries them, so it runs anywhere.
package features

import "embed"

// FS holds every .feature file under this folder.
//
//go:embed */*.feature
var FS embed.FS
