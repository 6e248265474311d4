//go:build race

package validate

// raceEnabled: under the race detector sync.Pool drops items at random, so
// regexp's pooled matchers allocate now and then.
const raceEnabled = true
