// Package docs embeds the project's own account of the contract,
// contract.md, so that tools which report a rule (ivsrt proxy, ivsrt
// drift) quote the very rows the tests hold to the suite.
package docs

import _ "embed"

// Contract is docs/contract.md.
//
//go:embed contract.md
var Contract string
