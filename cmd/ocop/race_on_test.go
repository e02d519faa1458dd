//go:build race

package main

// raceEnabled is true when the tests run under the race detector. The
// process-level tests that drive a server as fast as they can (crash
// safety) take minutes under it and prove nothing more about data races
// than the in-process tests of the same code; CI runs them in a step
// without -race.
const raceEnabled = true
