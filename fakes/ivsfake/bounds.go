package ivsfake

// Limits bound what a fake keeps where AWS sets no quota, so that no
// client can grow the process without end; each is far above what a
// normal test needs (docs/serving.md lists them and why). A zero field
// takes its default. `ivsrt serve` runs with the defaults; a test of your
// own may lower one to see what happens at it.
type Limits struct {
	// NamespacesPerAccount bounds how many regions one account holds
	// state in (DefaultNamespacesPerAccount).
	NamespacesPerAccount int
}

func (l Limits) withDefaults() Limits {
	if l.NamespacesPerAccount <= 0 {
		l.NamespacesPerAccount = DefaultNamespacesPerAccount
	}
	return l
}
