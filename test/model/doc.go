// Package model holds the model-based test of pbxsim: long, seeded random
// sequences of operations through both vendor dialects and the control API,
// with the simulator's invariants checked after every step (issue 7). A
// failing run prints its seed; the same seed replays the same sequence.
package model
