package ivsfake

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// A state file (ivsrt serve -state FILE) is one bbolt file: a meta bucket
// that says it is ours and which format it holds, and under "ns" one
// bucket per namespace (account/region) with a key per stage, session,
// participant, token and storage configuration (persist.go).
const (
	// StoreMagic is what the meta bucket holds under "magic": a bbolt file
	// without it is somebody else's, and is refused.
	StoreMagic = "ivsrt state"
	// StoreFormat is the layout this ivsrt writes and reads. A file of a
	// later format is refused rather than misread. Format 2 holds the
	// members AWS added after 2024-06-20 (a recording configuration's
	// thumbnail and HLS members, a stage's endpoints, a participant's
	// protocol, exchanged tokens); a file of format 1 loads, those
	// members taking their defaults, and its first change marks it format
	// 2, so that an ivsrt of format 1, which would drop them, refuses it.
	// Format 3 adds the storage configuration and publisher quotas set
	// through the control API, and what the fake's bounds dropped (the
	// count of a stage's oldest sessions and of a participant's oldest
	// events, which page tokens count from); a file of format 1 or 2
	// loads as having none of either. Format 4 seals every record with a
	// checksum (seal.go), and keeps the subscriber quota, subscriptions
	// and subscribe events' publishers; a file of an older format has its
	// records sealed by its first change, and none of those. Format 5
	// adds public keys (a namespace's public-keys bucket, which format 4
	// would refuse as not a namespace's); a file of format 4 or older
	// loads as having none. Format 6 adds ingest configurations (a
	// namespace's ingest-configurations bucket) and the ingest
	// configuration a participant publishes through, encoder
	// configurations and compositions (its encoder-configurations and
	// compositions buckets), and participant replication (a source's
	// replications, a replica's source, a replication event's destination,
	// in the participant records, which format 5 would drop); a file of
	// format 5 or older loads as having none of them.
	StoreFormat = 6
	// StoreLockTimeout bounds how long opening waits for the file's lock,
	// so a second ivsrt on a file in use is refused rather than hangs.
	StoreLockTimeout = time.Second
)

var (
	bucketMeta = []byte("ivsrt")
	bucketNS   = []byte("ns")
	keyMagic   = []byte("magic")
	keyFormat  = []byte("format")
)

// Store is a state file: every change a Memory with Options.Store makes
// is committed to it (fsynced) before the change is answered, and a new
// Memory on the same file starts from what it holds.
type Store struct {
	db *bolt.DB
}

// ErrStateRefused is wrapped by the errors of OpenStore for a file that is
// not an ivsrt state file it can use: corrupt, foreign, truncated, of a
// later format, or in use.
var ErrStateRefused = errors.New("refused")

// OpenStore opens the state file at path, creating it when it does not
// exist or is empty (zero bytes hold no state to lose: an empty file is
// what `touch` or mktemp leave); a symbolic link is followed to an existing
// file, and one to a missing file is refused, its target not created. Any other file is checked read-only first
// and refused, unchanged, unless it is a whole, consistent ivsrt state
// file of this format that no other process has open.
func OpenStore(path string) (*Store, error) {
	// A symbolic link whose target is missing is refused: creating the
	// target would write a file somewhere the path does not say.
	if link, err := os.Lstat(path); err == nil && link.Mode()&os.ModeSymlink != 0 {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			target, _ := os.Readlink(path)
			return nil, refuse(path, fmt.Sprintf("a symbolic link to %s, which does not exist", target))
		}
	}
	info, err := os.Stat(path)
	fresh := true
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return nil, refuse(path, "not a regular file")
	case info.Size() > 0:
		if err := checkStateFile(path, info.Size()); err != nil {
			return nil, err
		}
		fresh = false
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: StoreLockTimeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, refuse(path, "in use by another process")
		}
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if !fresh {
		// Checked whole: opening it writes nothing.
		return &Store{db: db}, nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keyMagic, []byte(StoreMagic)); err != nil {
			return err
		}
		if err := meta.Put(keyFormat, []byte(strconv.Itoa(StoreFormat))); err != nil {
			return err
		}
		_, err = tx.CreateBucket(bucketNS)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

func refuse(path, why string) error {
	return fmt.Errorf("state file %s %w: %s", path, ErrStateRefused, why)
}

// checkStateFile opens a file read-only and refuses it unless it is an
// ivsrt state file of this format, whole and consistent. Nothing here
// writes to the file.
func checkStateFile(path string, size int64) error {
	// bbolt maps the file and would fault reading past its end, so a file
	// too short to hold bbolt's four first pages is refused before it
	// opens it.
	page := filePageSize(path)
	if size < 4*page || size%page != 0 {
		return refuse(path, fmt.Sprintf("not an ivsrt state file (%d bytes: not a whole bbolt file)", size))
	}
	// bbolt opens a file whose first meta page is damaged on the second
	// one, and its next commit rewrites the first: a damaged file would
	// be taken and changed. Both must be whole.
	if err := checkFrame(path, page, size); err != nil {
		return err
	}
	// A damaged length or page number makes bbolt read outside the
	// mapped file: a fault, which this goroutine turns into a panic the
	// transaction below recovers from.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: StoreLockTimeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return refuse(path, "in use by another process")
		}
		return refuse(path, "not an ivsrt state file ("+oneLine(err)+")")
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) (err error) {
		// bbolt panics on a page that is not what its parent says; no
		// damage may take the process down, so any panic is a refusal.
		defer func() {
			if r := recover(); r != nil {
				err = refuse(path, "corrupt ("+oneLine(fmt.Errorf("%v", r))+")")
			}
		}()
		if tx.Size() > size {
			return refuse(path, fmt.Sprintf("truncated: %d bytes of the %d its pages need", size, tx.Size()))
		}
		// Every record is read here first, where a fault is a panic
		// (readEveryRecord), so that Check, whose own goroutine would die
		// of the same fault, meets only pages that can be read. Check then
		// walks every page before anything reads a bucket by name. The
		// channel is drained to its end so its walk is over before the
		// transaction closes.
		if err := readEveryRecord(tx); err != nil {
			return refuse(path, "corrupt ("+oneLine(err)+")")
		}
		var corrupt error
		for err := range tx.Check() {
			corrupt = cmp.Or(corrupt, err)
		}
		if corrupt != nil {
			return refuse(path, "corrupt ("+oneLine(corrupt)+")")
		}
		meta := tx.Bucket(bucketMeta)
		if meta == nil || !bytes.Equal(meta.Get(keyMagic), []byte(StoreMagic)) {
			return refuse(path, "a bbolt file, but not an ivsrt state file (no "+strconv.Quote(StoreMagic)+" marker)")
		}
		format, err := strconv.Atoi(string(meta.Get(keyFormat)))
		if err != nil || format < 1 {
			return refuse(path, fmt.Sprintf("format %q is not a version", meta.Get(keyFormat)))
		}
		if format > StoreFormat {
			return refuse(path, fmt.Sprintf("format %d, written by a later ivsrt; this one reads format %d", format, StoreFormat))
		}
		if tx.Bucket(bucketNS) == nil {
			return refuse(path, "no namespaces bucket")
		}
		// Every record must decode, so a Memory later made on this file
		// cannot fail to load it. Everything under the namespaces bucket is
		// a namespace: one damaged into a record would be lost unseen.
		all := tx.Bucket(bucketNS)
		return all.ForEach(func(name, v []byte) error {
			if v != nil {
				return refuse(path, fmt.Sprintf("corrupt (%q is a record among the namespaces)", name))
			}
			if _, err := loadNamespace(all.Bucket(name), name); err != nil {
				return refuse(path, fmt.Sprintf("namespace %q: %s", name, oneLine(err)))
			}
			return nil
		})
	})
}

// filePageSize is the page size the file's first meta page gives (a
// file written on a machine of other pages has its own), else this
// machine's, which bbolt writes with.
func filePageSize(path string) int64 {
	page := int64(os.Getpagesize())
	f, err := os.Open(path)
	if err != nil {
		return page
	}
	defer f.Close()
	// bbolt's page header is 16 bytes; its meta starts with the magic,
	// the version and the page size, as 32-bit words in the writer's
	// byte order. Read little-endian (amd64, arm64); elsewhere the magic
	// does not match and this machine's page size is used.
	var head [28]byte
	if _, err := io.ReadFull(f, head[:]); err != nil || binary.LittleEndian.Uint32(head[16:]) != 0xED0CDAED {
		return page
	}
	if n := int64(binary.LittleEndian.Uint32(head[24:])); n >= 512 && n <= 1<<20 && n&(n-1) == 0 {
		return n
	}
	return page
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Close closes the file. Memories on it must not be used afterwards.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file's path.
func (s *Store) Path() string { return s.db.Path() }

// namespace names an account and region, whose state is kept apart.
// Namespace is an account and region: each has its own state, as on AWS,
// in memory and in a state file.
type Namespace struct{ Account, Region string }

func (n Namespace) key() []byte { return []byte(n.Account + "/" + n.Region) }

// namespaces lists the namespaces the file holds state for, so a server
// can load (or reset) every one of them.
func (s *Store) Namespaces() ([]Namespace, error) {
	var out []Namespace
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNS).ForEachBucket(func(name []byte) error {
			account, region, _ := strings.Cut(string(name), "/")
			out = append(out, Namespace{Account: account, Region: region})
			return nil
		})
	})
	return out, err
}
