// Package model holds the model-based test of pbxsim: long, seeded random
// sequences of operations (the core's command table, through the control API
// where it serves a command, and both vendor dialects),
// with the simulator's invariants checked after every step (issue 7). A
// failing run prints its seed; the same seed replays the same sequence.
package model
