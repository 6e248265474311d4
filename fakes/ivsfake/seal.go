package ivsfake

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// bbolt checks its pages' structure but keeps no checksum of what they
// hold, so a byte changed inside a record (a digit of a time, a letter of
// a key or of a namespace's name) would be taken as written. From format
// 4 every record of a namespace is sealed: its value is followed by a
// CRC-32C of the namespace's name, the bucket's, the key and the value,
// and a file whose seals do not all hold is refused.
const (
	sealedFormat = 4
	sealSize     = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordBuckets are the buckets a namespace holds, and all it may hold.
var recordBuckets = [][]byte{bMeta, bStages, bSessions, bJoins, bParticipants, bTokens, bStorage, bPublicKeys, bIngest, bEncoders, bCompositions}

func sealSum(ns, bucket, key, value []byte) uint32 {
	// Each part's length first, so no two records share an input.
	var b []byte
	for _, p := range [][]byte{ns, bucket, key} {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
	}
	return crc32.Update(crc32.Checksum(b, castagnoli), castagnoli, value)
}

// seal is value with its seal.
func seal(ns, bucket, key, value []byte) []byte {
	return binary.BigEndian.AppendUint32(slices.Clip(value), sealSum(ns, bucket, key, value))
}

// fileSealed reports whether the file of tx seals its records.
func fileSealed(tx *bolt.Tx) bool {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return false
	}
	format, err := strconv.Atoi(string(meta.Get(keyFormat)))
	return err == nil && format >= sealedFormat
}

// checkSeals checks every record of the namespace bucket ns, named name:
// it holds only the buckets of a namespace, each holds only records, and
// every record's seal holds.
func checkSeals(ns *bolt.Bucket, name []byte) error {
	return ns.ForEach(func(bucket, v []byte) error {
		if v != nil || !slices.ContainsFunc(recordBuckets, func(b []byte) bool { return string(b) == string(bucket) }) {
			return fmt.Errorf("%q is not a bucket of a namespace", bucket)
		}
		return ns.Bucket(bucket).ForEach(func(k, v []byte) error {
			if v == nil {
				return fmt.Errorf("%s: %q is a bucket, not a record", bucket, k)
			}
			if len(v) < sealSize || binary.BigEndian.Uint32(v[len(v)-sealSize:]) != sealSum(name, bucket, k, v[:len(v)-sealSize]) {
				return fmt.Errorf("%s: record %q does not match its checksum", bucket, k)
			}
			return nil
		})
	})
}

// sealAll seals every record of every namespace of a file of an older
// format, in the transaction that marks it sealedFormat or later.
func sealAll(tx *bolt.Tx) error {
	all := tx.Bucket(bucketNS)
	return all.ForEachBucket(func(name []byte) error {
		ns := all.Bucket(name)
		for _, bucket := range recordBuckets {
			b := ns.Bucket(bucket)
			if b == nil {
				continue
			}
			// bbolt's iteration does not survive writes to its bucket.
			var keys, values [][]byte
			if err := b.ForEach(func(k, v []byte) error {
				keys, values = append(keys, slices.Clone(k)), append(values, seal(name, bucket, k, slices.Clone(v)))
				return nil
			}); err != nil {
				return err
			}
			for i, k := range keys {
				if err := b.Put(k, values[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
