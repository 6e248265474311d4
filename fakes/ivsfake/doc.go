// Package ivsfake is a stateful, validating fake of Amazon IVS Real-Time.
//
// The wire layer (types, validation, defaults, routing, AWS errors) is
// generated into package ivsapi from the spec; this package holds what the
// spec cannot say: stages, tokens, sessions and participants kept in memory,
// the lifecycle of participants and their recordings, paging, and a control
// API under /_ivsrt/ that lets tests make participants join, publish, record
// and leave, end sessions, inject faults and reset state.
//
// In a test, one call starts it on loopback and gives an SDK client pointed
// at it:
//
//	f := ivsfake.Start(t)
//	out, err := f.Client.CreateStage(ctx, &ivsrealtime.CreateStageInput{...})
//	p, err := f.Control.Join(ctx, ivscontrol.JoinInput{Token: *out.ParticipantTokens[0].Token})
package ivsfake
