package validate

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// patternsUnderTest are the spec's patterns (fakes/ivsapi/validate_gen.go)
// and shapes the run matcher must refuse or get right.
var patternsUnderTest = map[string]bool{ // pattern: whether it gets a run matcher
	"^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$":                    true,
	"^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$": false,
	"^[a-zA-Z0-9+/=_-]*$":     true,
	"^[a-zA-Z0-9-_.,:;\\s]*$": true,
	"^[a-zA-Z0-9-]*$":         true,
	"^[a-z0-9-.]*$":           true,
	"^[a-zA-Z0-9/-]*$":        true,
	"^[a-zA-Z0-9-_]*$":        true,
	"^[a-z]{2,4}-[0-9]?x*$":   true,
	"^[a-z]+[a-z0-9]*$":       false, // the second run can take the first's letters
	"^a*ab$":                  false,
	"^(?i)arn$":               false,
	"^.*$":                    false,
	"arn:[a-z]+":              false, // not anchored
	"^é[é-ü]+ü?$":             false, // [é-ü] takes ü
	"^é[a-z]+ü?$":             true,
}

func TestRunMatchAgreesWithRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("arnwsivtge:/-0123456789AZbxyz_+=.,; \t\néü\u00a0\U0001F600")
	seeds := []string{
		"", "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456",
		"arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCd",
		"arn:aws:ivs::1:stage/x", "arn:aws:ivs:a:1:stage/", "ab-1x", "abcde-", "éaü", "éü",
	}
	for expr, fast := range patternsUnderTest {
		re := regexp.MustCompile(expr)
		if got := compileRuns(expr) != nil; got != fast {
			t.Errorf("%s: run matcher %v, want %v", expr, got, fast)
		}
		check := func(s string) {
			if got, want := matchString(re, s), re.MatchString(s); got != want {
				t.Fatalf("%s on %q: %v, regexp says %v", expr, s, got, want)
			}
		}
		for _, s := range seeds {
			check(s)
			// Every one-rune edit of the seeds, and random strings.
			rs := []rune(s)
			for i := range len(rs) + 1 {
				for _, c := range alphabet {
					check(string(rs[:i]) + string(c) + string(rs[i:]))
					if i < len(rs) {
						check(string(rs[:i]) + string(c) + string(rs[i+1:]))
						check(string(rs[:i]) + string(rs[i+1:]))
					}
				}
			}
		}
		for range 2000 {
			var b strings.Builder
			for range rng.IntN(12) {
				b.WriteRune(alphabet[rng.IntN(len(alphabet))])
			}
			check(b.String())
		}
		check("\xff")
		check("ab\xffc")
	}
}
