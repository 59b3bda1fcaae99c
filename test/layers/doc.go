// Package layers holds the test that enforces the import rules of
// ../shared/DESIGN.md and docs/architecture.md: which package may import
// which, and that the vendor-neutral layers name no vendor.
package layers
