package conformance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/ivsrt/contract/fakes/ivsapi"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// Broken variants of the fake for the behaviour cases of encoder
// configurations and compositions (cases_compositions.go): one per rule,
// each caught by the case named for it.

// conflictAnswered answers op's ConflictException whose message holds
// words with 200 and an empty body, as an implementation without the
// rule would.
func conflictAnswered(op, words string) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(got string, rec *httptest.ResponseRecorder) (int, []byte) {
		if got == op && rec.Code == http.StatusConflict && strings.Contains(rec.Body.String(), words) {
			return http.StatusOK, []byte(`{}`)
		}
		return rec.Code, rec.Body.Bytes()
	})
}

// refusalAnswered answers op's ValidationException whose message holds
// words with 200 and an empty body.
func refusalAnswered(op, words string) http.Handler {
	return rewriteResponse(ivsfake.New(ivsfake.Options{}), func(got string, rec *httptest.ResponseRecorder) (int, []byte) {
		if got == op && rec.Code == http.StatusBadRequest && strings.Contains(rec.Body.String(), words) {
			return http.StatusOK, []byte(`{}`)
		}
		return rec.Code, rec.Body.Bytes()
	})
}

// An encoder configuration's video without its documented defaults: the
// frame rate is another.
func TestCatchesEncoderVideoDefaultsNotKept(t *testing.T) {
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "GetEncoderConfiguration" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			ec, _ := doc["encoderConfiguration"].(map[string]any)
			if v, ok := ec["video"].(map[string]any); ok {
				v["framerate"] = 25
			}
		})
	}))
	requireAllFail(t, rs, "does not have the documented video", "CreateEncoderConfiguration/behaviour/defaults/video")
}

// An odd width taken: the fake is sent the even one below (a width over
// the model's maximum is still refused).
func TestCatchesOddWidthTaken(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteRequest(ivsfake.New(ivsfake.Options{}), "CreateEncoderConfiguration", func(body map[string]any) {
		if v, ok := body["video"].(map[string]any); ok {
			if w, ok := v["width"].(float64); ok && int(w)%2 == 1 && w <= ivsapi.VideoWidthMax {
				v["width"] = w - 1
			}
		}
	}))
	requireAllFail(t, rs, "odd width", "CreateEncoderConfiguration/behaviour/video/odd-width-refused")
}

// A frame of more pixels than documented taken.
func TestCatchesOverTheMostPixelsTaken(t *testing.T) {
	sweep(t)
	rs := results(t, refusalAnswered("CreateEncoderConfiguration", "width times height"))
	requireAllFail(t, rs, "largest width and height", "CreateEncoderConfiguration/behaviour/video/over-the-most-pixels-refused")
}

// An encoder configuration a composition uses deleted all the same.
func TestCatchesEncoderInUseDeleted(t *testing.T) {
	sweep(t)
	rs := results(t, conflictAnswered("DeleteEncoderConfiguration", "in use by composition"))
	requireAllFail(t, rs, "a composition uses", "DeleteEncoderConfiguration/behaviour/in-use/by-a-composition-conflict")
}

// A storage configuration a composition records to deleted all the same
// (one a stage records to is still refused).
func TestCatchesStorageInUseByCompositionDeleted(t *testing.T) {
	sweep(t)
	rs := results(t, conflictAnswered("DeleteStorageConfiguration", "in use by composition"))
	requireAllFail(t, rs, "a composition records to", "DeleteStorageConfiguration/behaviour/in-use/by-a-composition-conflict")
}

// A destination of neither channel nor s3 taken.
func TestCatchesDestinationOfNeitherTaken(t *testing.T) {
	sweep(t)
	rs := results(t, refusalAnswered("StartComposition", "either channel or s3"))
	requireAllFail(t, rs, "neither channel nor s3", "StartComposition/behaviour/destinations/neither-channel-nor-s3-refused")
}

// Two s3 destinations taken.
func TestCatchesTwoS3DestinationsTaken(t *testing.T) {
	sweep(t)
	rs := results(t, refusalAnswered("StartComposition", "one destination (channel or s3) or two"))
	requireAllFail(t, rs, "two s3 destinations", "StartComposition/behaviour/destinations/two-s3-refused")
}

// A composition's default grid without its documented gap.
func TestCatchesGridDefaultsNotKept(t *testing.T) {
	sweep(t)
	rs := results(t, rewriteResponse(ivsfake.New(ivsfake.Options{}), func(op string, rec *httptest.ResponseRecorder) (int, []byte) {
		if op != "StartComposition" || rec.Code != http.StatusOK {
			return rec.Code, rec.Body.Bytes()
		}
		return rec.Code, editJSON(rec.Body.Bytes(), func(doc map[string]any) {
			c, _ := doc["composition"].(map[string]any)
			l, _ := c["layout"].(map[string]any)
			if g, ok := l["grid"].(map[string]any); ok {
				g["gridGap"] = 7
			}
		})
	}))
	requireAllFail(t, rs, "layout.grid.gridGap", "StartComposition/behaviour/defaults/grid-layout")
}

// The idempotency token ignored: each request starts a composition, and
// a repeat with another request is not refused. A token the spec refuses
// is still refused.
func TestCatchesIdempotencyTokenIgnored(t *testing.T) {
	sweep(t)
	valid := regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	rs := results(t, rewriteRequest(ivsfake.New(ivsfake.Options{}), "StartComposition", func(body map[string]any) {
		if tok, ok := body["idempotencyToken"].(string); ok && valid.MatchString(tok) && len(tok) <= ivsapi.StartCompositionRequestIdempotencyTokenMaxLength {
			delete(body, "idempotencyToken")
		}
	}))
	requireAllFail(t, rs, "idempotency token",
		"StartComposition/behaviour/idempotency/same-token-same-composition",
		"StartComposition/behaviour/idempotency/same-token-other-request-conflict")
}

// A repeat of an idempotency token with another request answered as the
// first.
func TestCatchesIdempotencyMismatchTaken(t *testing.T) {
	sweep(t)
	rs := results(t, conflictAnswered("StartComposition", "Idempotency token"))
	requireAllFail(t, rs, "another request", "StartComposition/behaviour/idempotency/same-token-other-request-conflict")
}

// StopComposition answered without stopping anything: the fake is asked
// GetComposition of the same request instead (which refuses what
// StopComposition would), and a composition it finds is answered as
// stopped.
func TestCatchesStopThatDoesNotStop(t *testing.T) {
	sweep(t)
	fake := ivsfake.New(ivsfake.Options{})
	rs := results(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) != "StopComposition" {
			fake.ServeHTTP(w, r)
			return
		}
		get := r.Clone(r.Context())
		get.URL.Path = "/GetComposition"
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, get)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			body = []byte(`{}`)
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	requireAllFail(t, rs, "neither stopping, stopped nor gone", "StopComposition/behaviour/stops-the-composition")
}

// withoutFilter lets ListCompositions ignore filter: its first page is
// that of the request without it.
func withoutFilter(filter string) http.Handler {
	fake := ivsfake.New(ivsfake.Options{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if opOf(r) == "ListCompositions" {
			data, _ := io.ReadAll(r.Body)
			var body map[string]any
			if json.Unmarshal(data, &body) == nil && body["nextToken"] == nil {
				// A filter the fake refuses is still refused: only a
				// good one is dropped.
				rec := httptest.NewRecorder()
				probe := r.Clone(r.Context())
				probe.Body = io.NopCloser(bytes.NewReader(data))
				fake.ServeHTTP(rec, probe)
				if rec.Code == http.StatusOK {
					delete(body, filter)
					data, _ = json.Marshal(body)
				}
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			r.ContentLength = int64(len(data))
		}
		fake.ServeHTTP(w, r)
	})
}

// filterByStageArn ignored.
func TestCatchesStageFilterIgnored(t *testing.T) {
	sweep(t)
	rs := results(t, withoutFilter("filterByStageArn"))
	requireAllFail(t, rs, "filterByStageArn", "ListCompositions/behaviour/filter/by-stage")
}

// filterByEncoderConfigurationArn ignored.
func TestCatchesEncoderFilterIgnored(t *testing.T) {
	sweep(t)
	rs := results(t, withoutFilter("filterByEncoderConfigurationArn"))
	requireAllFail(t, rs, "filterByEncoderConfigurationArn", "ListCompositions/behaviour/filter/by-encoder-configuration")
}
