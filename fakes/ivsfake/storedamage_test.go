package ivsfake_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/ivsrt/contract/fakes/ivscontrol"
	"github.com/ivsrt/contract/fakes/ivsfake"
)

// richStateFile writes a state file holding stages with tags, a recording
// configuration, tokens, a session of joined participants with events and
// a storage configuration, and returns its bytes, its page size, its
// stages' ARNs and what a fake on it answers.
func richStateFile(t *testing.T) (data []byte, page int, arns, want []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := ivsfake.OpenStore(path)
	require.NoError(t, err)
	f := ivsfake.Start(t, ivsfake.Options{Store: s})
	ctx := ctxT(t)
	sc, err := f.Client.CreateStorageConfiguration(ctx, &ivsrealtime.CreateStorageConfigurationInput{
		S3: &types.S3StorageConfiguration{BucketName: aws.String("bucket-b")}, Tags: map[string]string{"a": "1"},
	})
	require.NoError(t, err)
	for i := range 3 {
		out := createStage(t, f, &ivsrealtime.CreateStageInput{
			Name: aws.String(fmt.Sprintf("stage-%d", i)), Tags: map[string]string{"k": fmt.Sprint(i)},
			AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: sc.StorageConfiguration.Arn},
			ParticipantTokenConfigurations:        tokenConfigs("alice", "bob", "carol"),
		})
		arns = append(arns, *out.Stage.Arn)
		for _, tok := range out.ParticipantTokens[:2] {
			j := join(t, f, tok)
			require.NoError(t, f.Control.Publish(ctx, ivscontrol.ParticipantRef{StageArn: j.StageArn, ParticipantId: j.ParticipantId}))
		}
	}
	want = snapshot(t, f, arns)
	require.NoError(t, s.Close())
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	page = int(binary.LittleEndian.Uint32(data[16+8:]))
	require.Equal(t, 0, len(data)%page)
	return data, page, arns, want
}

// TestStoreRefusesDamagedPages damages a real state file one page at a
// time, each way that breaks a page's structure, and opens it: each is
// refused with one line and left byte for byte as it was, or, where the
// page held nothing (a free page), accepted with every answer as before.
// Nothing panics.
func TestStoreRefusesDamagedPages(t *testing.T) {
	data, page, arns, want := richStateFile(t)
	damages := map[string]func(p []byte){
		"zeroed": func(p []byte) { clear(p) },
		"ones": func(p []byte) {
			for i := range p {
				p[i] = 0xff
			}
		},
		"header flipped": func(p []byte) { p[8] ^= 0x5a; p[11] ^= 0xa5 },
	}
	dir := t.TempDir()
	refused, accepted := 0, 0
	for n := range len(data) / page {
		for name, damage := range damages {
			damaged := append([]byte(nil), data...)
			damage(damaged[n*page : (n+1)*page])
			if string(damaged) == string(data) {
				continue
			}
			path := filepath.Join(dir, fmt.Sprintf("page%d-%s.db", n, name))
			require.NoError(t, os.WriteFile(path, damaged, 0o600))
			ok := openDamaged(t, path, damaged, arns, want, fmt.Sprintf("page %d %s", n, name), true)
			if ok {
				accepted++
			} else {
				refused++
			}
		}
	}
	t.Logf("%d pages of %d bytes: %d damaged files refused, %d accepted with the state intact", len(data)/page, page, refused, accepted)
	assert.Positive(t, refused)
}

// openDamaged opens a damaged state file and reports whether it was
// accepted. A refusal must be one line, ErrStateRefused, the file
// unchanged. An accepted file must be served without a 5xx and, when
// intact is set, answer what the undamaged file did.
func openDamaged(t *testing.T, path string, damaged []byte, arns, want []string, what string, intact bool) (accepted bool) {
	t.Helper()
	s, err := ivsfake.OpenStore(path)
	if err != nil {
		assert.True(t, errors.Is(err, ivsfake.ErrStateRefused), "%s: %v", what, err)
		assert.NotContains(t, err.Error(), "\n", "%s: one line", what)
		after, rerr := os.ReadFile(path)
		require.NoError(t, rerr)
		assert.True(t, string(after) == string(damaged), "%s: the refused file is unchanged", what)
		return false
	}
	defer s.Close()
	got := snapshot(t, ivsfake.Start(t, ivsfake.Options{Store: s}), arns)
	for _, line := range got {
		assert.NotRegexp(t, ` -> 5\d\d `, line, "%s: accepted, so served", what)
	}
	if intact {
		assert.Equal(t, want, got, "%s: accepted, so the state must be whole", what)
	}
	return true
}

// rich is one rich state file, made by the first input of a fuzz worker.
var rich struct {
	once       sync.Once
	data       []byte
	page       int
	arns, want []string
}

// TestStoreRefusesAChangedRecord changes one byte of each record of a
// real state file (its key, its value, its seal) and one of a namespace's
// name: bbolt's pages stay well formed, so only the records' seals can
// tell, and each such file is refused, unchanged. The byte changes in
// every copy the file holds: bbolt leaves stale copies of rewritten
// pages in free pages, and a change to one of those alone rightly goes
// unnoticed.
func TestStoreRefusesAChangedRecord(t *testing.T) {
	data, _, arns, want := richStateFile(t)
	path := filepath.Join(t.TempDir(), "state.db")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	type place struct {
		what string
		at   []int // the byte, in each copy of what holds it
	}
	// copies is where pattern starts in data, each time, plus offset.
	copies := func(pattern []byte, offset int) []int {
		var at []int
		for from := 0; ; {
			i := bytes.Index(data[from:], pattern)
			if i < 0 {
				return at
			}
			at = append(at, from+i+offset)
			from += i + 1
		}
	}
	var places []place
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		all := tx.Bucket([]byte("ns"))
		return all.ForEachBucket(func(name []byte) error {
			at := copies(name, len(name)-1)
			require.NotEmpty(t, at, "namespace %s in the file", name)
			places = append(places, place{fmt.Sprintf("namespace %s's name", name), at})
			return all.Bucket(name).ForEachBucket(func(bucket []byte) error {
				return all.Bucket(name).Bucket(bucket).ForEach(func(k, v []byte) error {
					// A leaf keeps a record's key and value side by side.
					record := append(slices.Clone(k), v...)
					require.NotEmpty(t, copies(record, 0), "%s record %q in the file", bucket, k)
					places = append(places,
						place{fmt.Sprintf("%s record %q: key", bucket, k), copies(record, len(k)-1)},
						place{fmt.Sprintf("%s record %q: value", bucket, k), copies(record, len(k)+(len(v)-ivsfake.SealSize)/2)},
						place{fmt.Sprintf("%s record %q: seal", bucket, k), copies(record, len(k)+len(v)-1)})
					return nil
				})
			})
		})
	}))
	require.NoError(t, db.Close())
	require.Greater(t, len(places), 30, "the rich file holds every kind of record")
	for _, p := range places {
		damaged := slices.Clone(data)
		for _, at := range p.at {
			damaged[at] ^= 0x01
		}
		require.NoError(t, os.WriteFile(path, damaged, 0o600))
		assert.False(t, openDamaged(t, path, damaged, arns, want, p.what, true), "%s changed: refused", p.what)
	}
	// A namespace's name damaged into a line break: the refusal, which
	// names the namespace, is still one line (FuzzStateFile found it).
	for _, p := range places {
		if !strings.HasPrefix(p.what, "namespace ") {
			continue
		}
		damaged := slices.Clone(data)
		for _, at := range p.at {
			damaged[at] = '\n'
		}
		require.NoError(t, os.WriteFile(path, damaged, 0o600))
		assert.False(t, openDamaged(t, path, damaged, arns, want, p.what+" with a line break", true), "%s changed: refused", p.what)
	}
	n := 0
	for _, p := range places {
		n += len(p.at)
	}
	t.Logf("%d bytes changed, one at a time (%d copies), in %d-byte file: each refused", len(places), n, len(data))
}

// FuzzStateFile writes bytes over a real state file at a page and offset
// of the fuzzer's choosing, and opens it: refused with one line and the
// file unchanged, or accepted, served without a 5xx and answering what
// the undamaged file did (the bytes changed held nothing: a free page, the
// unused end of one); never a panic.
func FuzzStateFile(f *testing.F) {
	f.Add(uint16(0), uint16(0), []byte{0})
	f.Add(uint16(1), uint16(20), []byte{1, 2, 3})
	f.Add(uint16(2), uint16(0), make([]byte, 64))
	f.Add(uint16(3), uint16(16), []byte{0xff, 0xff, 0xff, 0xff})
	f.Add(uint16(4), uint16(8), []byte{0x10})
	f.Add(uint16(5), uint16(100), []byte("stage"))
	f.Fuzz(func(t *testing.T, pageN, offset uint16, patch []byte) {
		rich.once.Do(func() {
			rich.data, rich.page, rich.arns, rich.want = richStateFile(t)
		})
		data, page := rich.data, rich.page
		start := int(pageN)%(len(data)/page)*page + int(offset)%page
		damaged := append([]byte(nil), data...)
		copy(damaged[start:min(len(damaged), (start/page+1)*page)], patch)
		if string(damaged) == string(data) {
			return
		}
		path := filepath.Join(t.TempDir(), "state.db")
		require.NoError(t, os.WriteFile(path, damaged, 0o600))
		openDamaged(t, path, damaged, rich.arns, rich.want, fmt.Sprintf("page %d offset %d", start/page, start%page), true)
	})
}
