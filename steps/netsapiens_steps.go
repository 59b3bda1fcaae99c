package steps

import "github.com/cucumber/godog"

// NSWorld is the NetSapiens steps' state (owned by the NetSapiens specs).
type NSWorld struct{}

// registerNetSapiens adds the NetSapiens steps (stub until the NetSapiens specs land).
func registerNetSapiens(sc *godog.ScenarioContext, w *World) {}
