package steps

import "github.com/cucumber/godog"

// RCWorld is the RingCentral steps' state (owned by the RingCentral specs).
type RCWorld struct{}

// registerRingCentral adds the RingCentral steps (stub until the RingCentral specs land).
func registerRingCentral(sc *godog.ScenarioContext, w *World) {}
