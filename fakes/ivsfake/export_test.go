package ivsfake

// SetStoreMaxSize bounds a store's file, so a test can make commits fail
// as on a full disk.
func SetStoreMaxSize(s *Store, n int) { s.db.MaxSize = n }
