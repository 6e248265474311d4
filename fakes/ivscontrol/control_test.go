package ivscontrol_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// IsFake tells an ivsrt fake from a web server and from nothing at all.
func TestIsFake(t *testing.T) {
	ctx := context.Background()
	fake := httptest.NewServer(ivsfake.New(ivsfake.Options{}))
	t.Cleanup(fake.Close)
	assert.True(t, ivscontrol.IsFake(ctx, fake.URL, nil))
	assert.True(t, ivscontrol.IsFake(ctx, fake.URL+"/", nil))

	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>hello</body></html>"))
	}))
	t.Cleanup(web.Close)
	assert.False(t, ivscontrol.IsFake(ctx, web.URL, nil))

	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"service":"something else"}`))
	}))
	t.Cleanup(other.Close)
	assert.False(t, ivscontrol.IsFake(ctx, other.URL, nil))

	assert.False(t, ivscontrol.IsFake(ctx, "http://127.0.0.1:1", nil))
	assert.False(t, ivscontrol.IsFake(ctx, "::not a url", nil))
}

// The client drives a fake through the control API alone.
func TestControlDrivesTheFake(t *testing.T) {
	f := ivsfake.Start(t)
	c := f.Control
	ctx := context.Background()
	info, err := c.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, ivscontrol.Service, info.Service)

	out, err := f.Client.CreateStage(ctx, nil)
	require.NoError(t, err)
	tok, err := f.Client.CreateParticipantToken(ctx, &ivsrealtime.CreateParticipantTokenInput{StageArn: out.Stage.Arn})
	require.NoError(t, err)
	j, err := c.Join(ctx, ivscontrol.JoinInput{Token: *tok.ParticipantToken.Token})
	require.NoError(t, err)
	require.NoError(t, c.Publish(ctx, j.Ref()))
	require.NoError(t, c.Leave(ctx, j.Ref()))
	assert.Error(t, c.Leave(ctx, j.Ref()), "left already")
}

// The package stays apart from the fake: it imports neither the fake nor
// its generated wire layer, so the suite can use it without linking them.
func TestImportsNoFake(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, pkg := range strings.Fields(string(out)) {
		assert.NotContains(t, []string{"github.com/ivsrt/contract/fakes/ivsfake", "github.com/ivsrt/contract/fakes/ivsapi"}, pkg)
	}
}
