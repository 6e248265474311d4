// Package targetflag gives the tests under conformance/ the target to run
// the suite against: the flags -endpoint, -region and
// -storage-configuration, else the environment variables IVSRT_ENDPOINT,
// IVSRT_REGION and IVSRT_STORAGE_CONFIGURATION. Every test package there
// imports it, so that
//
//	go test ./conformance/... -args -endpoint URL
//
// passes the flag to each test binary without "flag provided but not
// defined". With no endpoint, tests run against the in-process fake.
package targetflag

import (
	"flag"
	"os"
)

// The environment variables read when the flags are not given.
const (
	EnvEndpoint = "IVSRT_ENDPOINT"
	EnvRegion   = "IVSRT_REGION"
	EnvStorage  = "IVSRT_STORAGE_CONFIGURATION"
)

var (
	endpoint = flag.String("endpoint", "", "base `URL` of the implementation to run the conformance suite against (default $"+EnvEndpoint+"; none: the in-process fake)")
	region   = flag.String("region", "", "AWS `region` to sign with (default $"+EnvRegion+", else the suite's default)")
	storage  = flag.String("storage-configuration", "", "`ARN` of an existing storage configuration for the cases that record (default $"+EnvStorage+")")
)

// Endpoint is -endpoint, else $IVSRT_ENDPOINT; "" means the in-process fake.
func Endpoint() string { return orEnv(*endpoint, EnvEndpoint) }

// Region is -region, else $IVSRT_REGION; "" means the suite's default.
func Region() string { return orEnv(*region, EnvRegion) }

// StorageConfiguration is -storage-configuration, else
// $IVSRT_STORAGE_CONFIGURATION; "" leaves it to the suite.
func StorageConfiguration() string { return orEnv(*storage, EnvStorage) }

func orEnv(v, env string) string {
	if v != "" {
		return v
	}
	return os.Getenv(env)
}
