package ivsfake_test

// Scale. By default these tests run at sizes that fit
// CI (10,000 participants, 5,000 stages); `-args -scale` runs the full
// sizes (100,000 of each), as `make bench` does. Timings are printed,
// never asserted: what is asserted is what holds on any machine (answers,
// allocations, bytes kept).

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

var scaleFull = flag.Bool("scale", false, "run the scale tests at full size (100,000 participants and stages) rather than CI's")

// scaleSize is the large size: the full one with -scale, else one CI runs
// in seconds under the race detector.
func scaleSize(full, short int) int {
	if *scaleFull {
		return full
	}
	return short
}

func scaleCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// The participants of a scale session: every 1,000th has the userId
// scaleMatchUser (0.1 %), every 100th publishes (1 %), nobody has left;
// the others have short userIds of their own and no attributes.
const scaleMatchUser = "match"

func scaleUserID(i int) string {
	if i%1000 == 0 {
		return scaleMatchUser
	}
	return "u" + strconv.Itoa(i)
}

// seedScaleSession makes n participants join one session of a new stage,
// in-process (the control API's Join, without HTTP, so that 100,000 take
// a second), and returns the stage, the session and the participants.
func seedScaleSession(t *testing.T, m *ivsfake.Memory, n int) (stageArn, sessionID string, refs []ivscontrol.ParticipantRef) {
	t.Helper()
	ctx := scaleCtx(t)
	in := &ivsapi.CreateStageRequest{}
	in.SetDefaults()
	st, err := m.CreateStage(ctx, in)
	require.NoError(t, err)
	stageArn = *st.Stage.Arn
	for i := range n {
		tin := &ivsapi.CreateParticipantTokenRequest{StageArn: &stageArn, UserId: aws.String(scaleUserID(i))}
		tin.SetDefaults()
		tok, err := m.CreateParticipantToken(ctx, tin)
		require.NoError(t, err)
		j, err := m.Join(ivscontrol.JoinInput{Token: *tok.ParticipantToken.Token})
		require.NoError(t, err)
		sessionID = j.SessionId
		if i%100 == 50 {
			require.NoError(t, m.Publish(j.Ref()))
		}
		refs = append(refs, j.Ref())
	}
	return stageArn, sessionID, refs
}

// scaleQuery is one of the four measured queries and how many of n
// participants pass it.
type scaleQuery struct {
	name    string
	apply   func(*ivsrealtime.ListParticipantsInput)
	matches func(n int) int
	passes  func(types.ParticipantSummary) bool
}

func scaleQueries() []scaleQuery {
	return []scaleQuery{
		{"no filter", func(*ivsrealtime.ListParticipantsInput) {}, func(n int) int { return n },
			func(types.ParticipantSummary) bool { return true }},
		{"filterByUserId (0.1%)", func(in *ivsrealtime.ListParticipantsInput) { in.FilterByUserId = aws.String(scaleMatchUser) },
			func(n int) int { return (n + 999) / 1000 },
			func(s types.ParticipantSummary) bool { return aws.ToString(s.UserId) == scaleMatchUser }},
		{"filterByPublished=true (1%)", func(in *ivsrealtime.ListParticipantsInput) { in.FilterByPublished = true },
			func(n int) int { return (n + 49) / 100 },
			func(s types.ParticipantSummary) bool { return s.Published }},
		{"filterByState=DISCONNECTED (none)", func(in *ivsrealtime.ListParticipantsInput) { in.FilterByState = types.ParticipantStateDisconnected },
			func(int) int { return 0 },
			func(s types.ParticipantSummary) bool { return s.State == types.ParticipantStateDisconnected }},
	}
}

// TestScaleListParticipants: the first page (maxResults 100) of each of
// the four queries, in a session of 1,000 participants and in one of
// 100,000 (-scale; 10,000 without). Asserted: the page is right, and the
// fake's allocations for it depend on the page, not on the session (a
// page that tested every participant allocated for each). Printed: the
// p50 of HTTP round trips at each size, and their ratio
// (the goal: at most 3x).
func TestScaleListParticipants(t *testing.T) {
	heavyTest(t, "a scale test: 10,000 participants in a session")
	const small, maxResults = 1000, 100
	big := scaleSize(100_000, 10_000)
	rounds := scaleSize(301, 51)
	f := ivsfake.Start(t, seedOptions)
	m := f.Server.Memory
	type session struct {
		n       int
		arn, id string
	}
	sessions := [2]session{{n: small}, {n: big}}
	for i := range sessions {
		sessions[i].arn, sessions[i].id, _ = seedScaleSession(t, m, sessions[i].n)
	}
	ctx := scaleCtx(t)
	hc := &http.Client{Timeout: time.Minute}
	for _, q := range scaleQueries() {
		var p50 [2]time.Duration
		samples := [2][]time.Duration{}
		var bodies [2][]byte
		for i, s := range sessions {
			in := ivsrealtime.ListParticipantsInput{StageArn: &s.arn, SessionId: &s.id, MaxResults: aws.Int32(maxResults)}
			q.apply(&in)
			out, err := f.Client.ListParticipants(ctx, &in)
			require.NoError(t, err)
			want := min(maxResults, q.matches(s.n))
			require.Len(t, out.Participants, want, "%s, %d participants", q.name, s.n)
			require.Equal(t, q.matches(s.n) > maxResults, out.NextToken != nil, "%s, %d participants: a next page iff more match", q.name, s.n)
			for _, p := range out.Participants {
				require.True(t, q.passes(p), "%s: %s does not pass", q.name, aws.ToString(p.ParticipantId))
			}
			bodies[i] = scaleListBody(t, &in)
		}
		// The round trips are timed with a plain HTTP client that reads
		// the answer whole without decoding it: the SDK's decoding of 100
		// summaries costs more than the fake's answer, and is not the
		// fake's.
		for round := range rounds * 2 { // alternating small, big
			start := time.Now()
			status := scaleRoundTrip(t, hc, f.URL+"/ListParticipants", bodies[round%2])
			samples[round%2] = append(samples[round%2], time.Since(start))
			require.Equal(t, http.StatusOK, status)
		}
		for i := range samples {
			slices.Sort(samples[i])
			p50[i] = samples[i][len(samples[i])/2]
		}

		// In-process, the same page allocates about the same at both sizes.
		var allocs [2]float64
		for i, s := range sessions {
			sdk := ivsrealtime.ListParticipantsInput{}
			q.apply(&sdk)
			in := &ivsapi.ListParticipantsRequest{StageArn: &s.arn, SessionId: &s.id, MaxResults: aws.Int32(maxResults),
				FilterByUserId: sdk.FilterByUserId}
			if sdk.FilterByPublished {
				in.FilterByPublished = aws.Bool(true)
			}
			if sdk.FilterByState != "" {
				in.FilterByState = new(ivsapi.ParticipantState(sdk.FilterByState))
			}
			allocs[i] = testing.AllocsPerRun(5, func() {
				if _, err := m.ListParticipants(ctx, in); err != nil {
					t.Fatal(err)
				}
			})
		}
		// Each listed participant costs a few allocations; what must not
		// grow is the rest. The bound allows 10 a participant listed.
		bound := allocs[0] + 10*float64(min(maxResults, q.matches(big))-min(maxResults, q.matches(small))) + 10
		require.LessOrEqual(t, allocs[1], bound, "%s: a first page allocates %.0f times at %d participants, %.0f at %d", q.name, allocs[1], big, allocs[0], small)
		t.Logf("%-34s p50 %8v at %6d, %8v at %6d: %.2fx; allocations %4.0f and %4.0f",
			q.name, p50[0], small, p50[1], big, float64(p50[1])/float64(p50[0]), allocs[0], allocs[1])
	}
}

// scaleListBody is the JSON body of a ListParticipants request.
func scaleListBody(t *testing.T, in *ivsrealtime.ListParticipantsInput) []byte {
	body := map[string]any{"stageArn": *in.StageArn, "sessionId": *in.SessionId, "maxResults": *in.MaxResults}
	switch {
	case in.FilterByUserId != nil:
		body["filterByUserId"] = *in.FilterByUserId
	case in.FilterByPublished:
		body["filterByPublished"] = true
	case in.FilterByState != "":
		body["filterByState"] = in.FilterByState
	}
	b, err := json.Marshal(body)
	require.NoError(t, err)
	return b
}

// scaleRoundTrip posts body and reads the whole answer.
func scaleRoundTrip(t *testing.T, hc *http.Client, url string, body []byte) int {
	resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	return resp.StatusCode
}

// TestScaleLeave: whether leaving costs the same early and late. Two
// sessions of 100,000 connected participants (-scale; 10,000 without):
// in one nobody has left yet, in the other all but the last 200 have.
// Leaves through the control API over HTTP alternate between the two, so
// both are timed side by side. Asserted: every leave succeeds, and the
// late session ends with its last. Printed: the p50 of each and their
// ratio.
func TestScaleLeave(t *testing.T) {
	heavyTest(t, "a scale test")
	const timed = 200
	n := scaleSize(100_000, 10_000)
	f := ivsfake.Start(t, seedOptions)
	m := f.Server.Memory
	_, _, early := seedScaleSession(t, m, n)
	lateArn, lateSession, late := seedScaleSession(t, m, n)
	for _, r := range late[:n-timed] {
		require.NoError(t, m.Leave(r))
	}
	late = late[n-timed:]
	ctx := scaleCtx(t)
	var took [2][]time.Duration
	for i := range timed {
		for side, r := range [2]ivscontrol.ParticipantRef{early[i], late[i]} {
			start := time.Now()
			require.NoError(t, f.Control.Leave(ctx, r))
			took[side] = append(took[side], time.Since(start))
		}
	}
	out, err := f.Client.GetStageSession(ctx, &ivsrealtime.GetStageSessionInput{StageArn: &lateArn, SessionId: &lateSession})
	require.NoError(t, err)
	require.NotNil(t, out.StageSession.EndTime, "the session ends when the last participant leaves")
	for i := range took {
		slices.Sort(took[i])
	}
	p50e, p50l := took[0][timed/2], took[1][timed/2]
	t.Logf("leave p50 in a session of %d: %v while nobody has left, %v once all but %d have: %.2fx", n, p50e, p50l, timed, float64(p50l)/float64(p50e))
}

// scaleMemoryEnv makes the test binary, run again, measure memory in a
// fresh process (TestScaleMemoryChild) and print one line.
const scaleMemoryEnv = "IVSRT_SCALE_MEMORY"

// TestScaleMemory: the bytes a participant with its token keeps, for
// participants that joined with a short userId and no attributes,
// measured in a process of its own: the growth of the live heap and of
// RSS, both after a forced GC, and of RSS before it. Asserted: the live
// heap at most 1 KiB a participant, and with -scale (100,000, where the
// process's fixed costs no longer count) RSS too.
func TestScaleMemory(t *testing.T) {
	heavyTest(t, "a scale test")
	n := scaleSize(100_000, 20_000)
	cmd := exec.Command(os.Args[0], "-test.run", "^TestScaleMemoryChild$", "-test.count", "1")
	cmd.Env = append(os.Environ(), scaleMemoryEnv+"="+strconv.Itoa(n))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var heap, rss, rssBeforeGC int
	var found bool
	for _, line := range strings.Split(string(out), "\n") {
		if _, err := fmt.Sscanf(line, "scale-memory heap=%d rss=%d rss-before-gc=%d", &heap, &rss, &rssBeforeGC); err == nil {
			found = true
		}
	}
	require.True(t, found, "the child printed no figures: %s", out)
	t.Logf("bytes a participant with its token, %d participants: live heap %d, RSS after GC %d, RSS before GC %d", n, heap, rss, rssBeforeGC)
	require.LessOrEqual(t, heap, 1024, "live heap a participant")
	if *scaleFull {
		require.LessOrEqual(t, rss, 1024, "RSS a participant, after GC")
	}
}

func TestScaleMemoryChild(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(scaleMemoryEnv))
	if err != nil {
		t.Skip("run by TestScaleMemory")
	}
	m := ivsfake.NewMemory(seedOptions)
	settle := func() (heap, rss int) {
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int(ms.HeapAlloc), readRSS(t)
	}
	heap0, rss0 := settle()
	seedScaleSession(t, m, n)
	rssBeforeGC := readRSS(t)
	heap1, rss1 := settle()
	runtime.KeepAlive(m)
	fmt.Printf("scale-memory heap=%d rss=%d rss-before-gc=%d\n", (heap1-heap0)/n, (rss1-rss0)/n, (rssBeforeGC-rss0)/n)
}

func readRSS(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" && f[2] == "kB" {
			kb, err := strconv.Atoi(f[1])
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// TestScaleStages: whether CreateStage and GetStage hold their
// throughput up to 100,000 stages (-scale; 5,000 without). Two fakes, one
// holding 1,000 stages and one the large count (both filled in-process),
// are driven side by side over HTTP through the SDK by 16 clients, in
// alternating rounds (5 with -scale): 500 CreateStage, then 2,000 GetStage
// of random stages (100 and 200 without -scale). Asserted: every call succeeds and every stage created is
// counted. Printed: each side's throughput and the ratio.
func TestScaleStages(t *testing.T) {
	heavyTest(t, "a scale test: thousands of stages")
	const workers = 16
	rounds, creates, gets := scaleSize(5, 2), scaleSize(500, 100), scaleSize(2000, 200)
	sizes := [2]int{1000, scaleSize(100_000, 5_000)}
	ctx := scaleCtx(t)
	var fakes [2]*ivsfake.Fake
	var arns [2][]string
	for i, n := range sizes {
		fakes[i] = ivsfake.Start(t, ivsfake.Options{StageQuota: n + rounds*creates})
		for range n {
			in := &ivsapi.CreateStageRequest{}
			in.SetDefaults()
			out, err := fakes[i].Server.Memory.CreateStage(ctx, in)
			require.NoError(t, err)
			arns[i] = append(arns[i], *out.Stage.Arn)
		}
	}
	// run makes count calls from workers goroutines and returns how long
	// they took.
	run := func(count int, call func(i int) error) time.Duration {
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		start := time.Now()
		for range workers {
			wg.Go(func() {
				for i := next.Add(1); i <= int64(count); i = next.Add(1) {
					if err := call(int(i)); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		require.NoError(t, <-errs)
		return time.Since(start)
	}
	var createTook, getTook [2]time.Duration
	for range rounds {
		for side, f := range fakes {
			var mu sync.Mutex
			createTook[side] += run(creates, func(int) error {
				out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{})
				if err == nil {
					mu.Lock()
					arns[side] = append(arns[side], *out.Stage.Arn)
					mu.Unlock()
				}
				return err
			})
			stages := slices.Clone(arns[side])
			getTook[side] += run(gets, func(int) error {
				_, err := f.Client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: &stages[rand.IntN(len(stages))]})
				return err
			})
		}
	}
	for side, f := range fakes {
		_, held := f.Server.Memory.StageQuota()
		require.Equal(t, sizes[side]+rounds*creates, held)
		require.Len(t, arns[side], held)
	}
	rate := func(calls int, took time.Duration) float64 { return float64(rounds*calls) / took.Seconds() }
	c0, c1 := rate(creates, createTook[0]), rate(creates, createTook[1])
	g0, g1 := rate(gets, getTook[0]), rate(gets, getTook[1])
	t.Logf("CreateStage: %.0f/s holding %d stages, %.0f/s holding %d: %.2fx", c0, sizes[0], c1, sizes[1], c1/c0)
	t.Logf("GetStage:    %.0f/s holding %d stages, %.0f/s holding %d: %.2fx", g0, sizes[0], g1, sizes[1], g1/g0)
}
