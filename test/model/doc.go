// Package model holds the model-based test of pbxsim: long, seeded random
// sequences of operations (the commands of the core's table, through the
// control API where it serves them, and both vendor dialects' REST APIs),
// with the simulator's invariants checked after every step (issue 7). A
// failing run prints its seed; the same seed replays the same sequence.
package model
