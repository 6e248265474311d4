package proxy

import (
	"crypto/sha256"
	"encoding/hex"
)

func payloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
