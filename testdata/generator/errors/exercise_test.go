// Exercise of the generated code: TestGeneratedCodeCompilesAndRuns in
// generator/ copies this file next to the code generated from spec.yaml.

package api

import "testing"

func TestErrors(t *testing.T) {
	for name, want := range map[string]bool{
		ErrValidationException: true, ErrPendingVerification: true, ErrConflictException: true,
		ErrThrottlingException: true, ErrInternalServerException: true, "UnrecognizedClientException": false,
	} {
		if got := Allows(OpDeleteThing, name); got != want {
			t.Errorf("Allows(%s) = %v", name, got)
		}
	}
	if e := NewPendingVerification("wait %d", 1); e.Status != 403 || e.Type != "PendingVerification" || e.Message != "wait 1" {
		t.Errorf("NewPendingVerification = %+v", e)
	}
	if e := NewError("Nope", "x"); e.Type != "InternalServerException" || e.Status != 500 {
		t.Errorf("NewError of an unknown name = %+v", e)
	}
	if e := NewError(ErrConflictException, "busy"); e.Status != 409 {
		t.Errorf("NewError(Conflict) = %+v", e)
	}
}
