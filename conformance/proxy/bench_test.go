package proxy_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/stretchr/testify/require"

	"github.com/ivsrt/contract/conformance/proxy"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// BenchmarkProxy is one SDK call (GetStage) straight to the fake and the
// same call through the checking proxy, side by side in one run: what the
// proxy adds to a request's time is the ratio of the two. A proxy that
// checks nothing shows how much of it is the extra hop.
func BenchmarkProxy(b *testing.B) {
	fake := ivsfake.Start(b)
	px := startProxy(b, fake.URL, proxy.Options{})
	u, err := url.Parse(fake.URL)
	require.NoError(b, err)
	plain, err := proxy.New(proxy.Options{Upstream: u}) // forwards, checks nothing
	require.NoError(b, err)
	plainSrv := httptest.NewServer(plain)
	b.Cleanup(plainSrv.Close)
	ctx := context.Background()
	st, err2 := fake.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{Name: aws.String("bench")})
	require.NoError(b, err2)
	for _, c := range []struct {
		name string
		url  string
	}{{"direct", fake.URL}, {"proxied", px.URL}, {"proxied-unchecked", plainSrv.URL}} {
		client := ivsfake.NewClient(c.url, "us-east-1")
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := client.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: st.Stage.Arn}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
