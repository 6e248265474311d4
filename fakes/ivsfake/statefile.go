package ivsfake

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"os"

	bolt "go.etcd.io/bbolt"
)

// What a state file is checked for before bbolt reads it: bbolt trusts its
// own file, and a damaged one makes it read outside the file (a fault) or
// panic, and takes a file whose first meta page is damaged on the second,
// rewriting the first at its next commit. The layout read here is bbolt's
// format 2, little-endian (filePageSize reads the same): a page is a
// 16-byte header (id uint64, flags uint16, count uint16, overflow uint32)
// and its body; a meta page's body is magic, version, page size, flags
// (uint32 each), the root bucket (root page, sequence), the freelist page,
// the high-water page and the transaction id (uint64 each), then an
// FNV-64a checksum of all of that.
const (
	pageHeader   = 16
	metaSumAt    = 56 // the checksum's offset in a meta page's body
	boltMagic    = 0xED0CDAED
	boltVersion  = 2
	freelistFlag = 0x10
	noFreelist   = ^uint64(0)
)

// boltMeta is what checkFrame reads of a meta page.
type boltMeta struct {
	root, freelist, highWater, txid uint64
}

// checkFrame refuses a file unless both meta pages are whole and agree
// with the file's page size, the pages they name lie within the file, and
// the freelist page (if the file keeps one) holds no more ids than fit.
func checkFrame(path string, page, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return refuse(path, "unreadable ("+oneLine(err)+")")
	}
	defer f.Close()
	var metas [2]boltMeta
	buf := make([]byte, pageHeader+metaSumAt+8)
	for i := range metas {
		if _, err := f.ReadAt(buf, int64(i)*page); err != nil {
			return refuse(path, fmt.Sprintf("meta page %d unreadable (%s)", i, oneLine(err)))
		}
		m := buf[pageHeader:]
		h := fnv.New64a()
		h.Write(m[:metaSumAt])
		switch {
		case binary.LittleEndian.Uint32(m) != boltMagic:
			return refuse(path, fmt.Sprintf("not an ivsrt state file (meta page %d has no bbolt magic)", i))
		case binary.LittleEndian.Uint32(m[4:]) != boltVersion:
			return refuse(path, fmt.Sprintf("meta page %d is of bbolt format %d, not %d", i, binary.LittleEndian.Uint32(m[4:]), boltVersion))
		case int64(binary.LittleEndian.Uint32(m[8:])) != page:
			return refuse(path, fmt.Sprintf("corrupt (meta page %d gives page size %d, the first %d)", i, binary.LittleEndian.Uint32(m[8:]), page))
		case binary.LittleEndian.Uint64(m[metaSumAt:]) != h.Sum64():
			return refuse(path, fmt.Sprintf("corrupt (meta page %d checksum mismatch)", i))
		}
		metas[i] = boltMeta{
			root:      binary.LittleEndian.Uint64(m[16:]),
			freelist:  binary.LittleEndian.Uint64(m[32:]),
			highWater: binary.LittleEndian.Uint64(m[40:]),
			txid:      binary.LittleEndian.Uint64(m[48:]),
		}
	}
	// bbolt reads the meta of the later transaction.
	m := metas[0]
	if metas[1].txid > m.txid {
		m = metas[1]
	}
	pages := uint64(size / page)
	if m.highWater > pages || m.root < 2 || m.root >= m.highWater {
		return refuse(path, fmt.Sprintf("corrupt (root page %d, high-water page %d, %d pages in the file)", m.root, m.highWater, pages))
	}
	w := &pageWalk{f: f, page: uint64(page), highWater: m.highWater, seen: map[uint64]bool{}}
	if err := w.tree(m.root, 0); err != nil {
		return refuse(path, "corrupt ("+oneLine(err)+")")
	}
	if m.freelist == noFreelist {
		return nil
	}
	if m.freelist < 2 || m.freelist >= m.highWater {
		return refuse(path, fmt.Sprintf("corrupt (freelist page %d outside the %d pages in use)", m.freelist, m.highWater))
	}
	if err := w.freelist(m.freelist); err != nil {
		return refuse(path, "corrupt ("+oneLine(err)+")")
	}
	return nil
}

// freelist checks the freelist page id: it lies below the high-water mark
// apart from the pages the tree reached, its ids fit in it, and each id
// is a page in use by nothing else, named once. bbolt panics at its next
// commit on a page it is told to free twice.
func (w *pageWalk) freelist(id uint64) error {
	head := make([]byte, pageHeader+8)
	if _, err := w.f.ReadAt(head, int64(id*w.page)); err != nil {
		return fmt.Errorf("freelist page %d: %s", id, oneLine(err))
	}
	flags := binary.LittleEndian.Uint16(head[8:])
	count, overflow := uint64(binary.LittleEndian.Uint16(head[10:])), uint64(binary.LittleEndian.Uint32(head[12:]))
	first := uint64(pageHeader)
	if count == 0xFFFF { // a long list keeps its length in its first id
		count, first = binary.LittleEndian.Uint64(head[pageHeader:]), pageHeader+8
	}
	if binary.LittleEndian.Uint64(head) != id || flags != freelistFlag || id+overflow >= w.highWater ||
		first+8*count > (overflow+1)*w.page {
		return fmt.Errorf("freelist page %d: id %d, flags %#x, %d ids over %d pages", id, binary.LittleEndian.Uint64(head), flags, count, overflow+1)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return fmt.Errorf("freelist page %d: page %d is in use", id, i)
		}
		w.seen[i] = true
	}
	ids := make([]byte, 8*count)
	if _, err := w.f.ReadAt(ids, int64(id*w.page+first)); err != nil {
		return fmt.Errorf("freelist page %d: %s", id, oneLine(err))
	}
	for i := range count {
		free := binary.LittleEndian.Uint64(ids[8*i:])
		if free < 2 || free >= w.highWater || w.seen[free] {
			return fmt.Errorf("freelist page %d: page %d cannot be free", id, free)
		}
		w.seen[free] = true
	}
	return nil
}

// readEveryRecord reads every key and value of every bucket, nested ones
// too, so that a damaged page or length faults here, in the caller's
// goroutine (checkStateFile makes faults panics there), rather than in
// bbolt's Check.
func readEveryRecord(tx *bolt.Tx) error {
	var sum uint32
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			sum = crc32.Update(sum, crc32.IEEETable, k)
			if v != nil {
				sum = crc32.Update(sum, crc32.IEEETable, v)
				return nil
			}
			child := b.Bucket(k)
			if child == nil {
				return fmt.Errorf("bucket %q cannot be opened", k)
			}
			return walk(child)
		})
	}
	err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
	_ = sum // the sum is not the point: reading every byte is
	return err
}

// Page flags, and the flag of a leaf element that is a bucket.
const (
	branchFlag     = 0x01
	leafFlag       = 0x02
	bucketElemFlag = 0x01
	elemSize       = 16 // a branch or leaf element
	bucketHeader   = 16 // a bucket value: root page, sequence
	maxDepth       = 64 // deeper than any tree of this file's size
)

// pageWalk walks the pages a file's buckets reach, from the root bucket
// down, and checks what bbolt would trust: each page lies below the
// high-water mark, is reached once, is a branch or a leaf, and its
// elements, keys and values lie within it. bbolt's own Check assumes as
// much: a damaged overflow count alone keeps it looping for minutes.
type pageWalk struct {
	f               *os.File
	page, highWater uint64
	seen            map[uint64]bool
}

// tree checks the page id and every page below it.
func (w *pageWalk) tree(id uint64, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("page %d: a tree deeper than %d", id, maxDepth)
	}
	if id < 2 || id >= w.highWater {
		return fmt.Errorf("page %d: outside the %d pages in use", id, w.highWater)
	}
	head := make([]byte, pageHeader)
	if _, err := w.f.ReadAt(head, int64(id*w.page)); err != nil {
		return fmt.Errorf("page %d: %s", id, oneLine(err))
	}
	overflow := uint64(binary.LittleEndian.Uint32(head[12:]))
	if binary.LittleEndian.Uint64(head) != id || id+overflow >= w.highWater {
		return fmt.Errorf("page %d: header names page %d of %d pages", id, binary.LittleEndian.Uint64(head), overflow+1)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return fmt.Errorf("page %d: reached twice", i)
		}
		w.seen[i] = true
	}
	data := make([]byte, (overflow+1)*w.page)
	if _, err := w.f.ReadAt(data, int64(id*w.page)); err != nil {
		return fmt.Errorf("page %d: %s", id, oneLine(err))
	}
	return w.node(id, data, depth)
}

// node checks a branch or leaf page held in data (a page of the file, or
// an inline bucket's page inside a value), and walks what it points to.
func (w *pageWalk) node(id uint64, data []byte, depth int) error {
	if len(data) < pageHeader {
		return fmt.Errorf("page %d: %d bytes, too short for a page", id, len(data))
	}
	flags, count := binary.LittleEndian.Uint16(data[8:]), int(binary.LittleEndian.Uint16(data[10:]))
	if flags != branchFlag && flags != leafFlag {
		return fmt.Errorf("page %d: flags %#x, neither branch nor leaf", id, flags)
	}
	if pageHeader+count*elemSize > len(data) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	// bbolt never writes an empty branch, and its cursor reads a branch's
	// first element without asking how many there are.
	if flags == branchFlag && count == 0 {
		return fmt.Errorf("page %d: a branch without elements", id)
	}
	for i := range count {
		at := pageHeader + i*elemSize
		e := data[at : at+elemSize]
		if flags == branchFlag {
			// pos, ksize, child page
			pos, ksize := uint64(binary.LittleEndian.Uint32(e)), uint64(binary.LittleEndian.Uint32(e[4:]))
			if uint64(at)+pos+ksize > uint64(len(data)) {
				return fmt.Errorf("page %d: element %d's key lies outside the page", id, i)
			}
			if err := w.tree(binary.LittleEndian.Uint64(e[8:]), depth+1); err != nil {
				return err
			}
			continue
		}
		// flags, pos, ksize, vsize
		eflags, pos := binary.LittleEndian.Uint32(e), uint64(binary.LittleEndian.Uint32(e[4:]))
		ksize, vsize := uint64(binary.LittleEndian.Uint32(e[8:])), uint64(binary.LittleEndian.Uint32(e[12:]))
		end := uint64(at) + pos + ksize + vsize
		if end > uint64(len(data)) {
			return fmt.Errorf("page %d: element %d's key and value lie outside the page", id, i)
		}
		if eflags&bucketElemFlag == 0 {
			continue
		}
		v := data[end-vsize : end]
		if len(v) < bucketHeader {
			return fmt.Errorf("page %d: element %d is a bucket of %d bytes", id, i, len(v))
		}
		root := binary.LittleEndian.Uint64(v)
		if root == 0 { // an inline bucket: its page, a leaf, follows the header
			inline := v[bucketHeader:]
			if len(inline) < pageHeader || binary.LittleEndian.Uint16(inline[8:]) != leafFlag {
				return fmt.Errorf("page %d: element %d is an inline bucket that is not a leaf", id, i)
			}
			if err := w.node(id, inline, depth+1); err != nil {
				return err
			}
			continue
		}
		if err := w.tree(root, depth+1); err != nil {
			return err
		}
	}
	return nil
}
