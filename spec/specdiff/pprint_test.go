package specdiff

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPformat compares with what CPython 3's pprint.pformat prints for the
// same values (recorded from python3 -c 'import pprint; pprint.pprint(...)').
func TestPformat(t *testing.T) {
	recording := pyDict{"mediaTypes": pyList{pyStr("AUDIO_VIDEO | AUDIO_ONLY")}, "storageConfigurationArn": pyStr("string")}
	for _, tc := range []struct {
		v    pyVal
		want string
	}{
		{pyDict{"autoParticipantRecordingConfiguration": recording},
			`{'autoParticipantRecordingConfiguration': {'mediaTypes': ['AUDIO_VIDEO | '
                                                          'AUDIO_ONLY'],
                                           'storageConfigurationArn': 'string'}}`},
		{pyDict{"stage": pyDict{"autoParticipantRecordingConfiguration": recording}},
			`{'stage': {'autoParticipantRecordingConfiguration': {'mediaTypes': ['AUDIO_VIDEO '
                                                                    '| '
                                                                    'AUDIO_ONLY'],
                                                     'storageConfigurationArn': 'string'}}}`},
		{pyDict{"participants": pyDict{"recordingState": pyStr("STARTING | ACTIVE | STOPPING | STOPPED | FAILED | DISABLED")}},
			`{'participants': {'recordingState': 'STARTING | ACTIVE | STOPPING | STOPPED | '
                                    'FAILED | DISABLED'}}`},
		{pyStr("STARTING | ACTIVE | STOPPING | STOPPED | FAILED | DISABLED STARTING | ACTIVE | STOPPING | STOPPED | FAILED | DISABLED"),
			`('STARTING | ACTIVE | STOPPING | STOPPED | FAILED | DISABLED STARTING | ACTIVE '
 '| STOPPING | STOPPED | FAILED | DISABLED')`},
		{pyDict{"a": pyDict{
			"x":  pyLit("123"),
			"l":  pyList{pyDict{"k": pyStr("string"), "y": pyStr("A very long string that goes on and on and on and on and on and on")}},
			"m":  pyDict{"string": pyStr("string")},
			"ts": pyStr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		}},
			`{'a': {'l': [{'k': 'string',
              'y': 'A very long string that goes on and on and on and on and '
                   'on and on'}],
       'm': {'string': 'string'},
       'ts': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
       'x': 123}}`},
		{pyDict{"when": pyLit("datetime(2015, 1, 1)"), "on": pyLit("True"), "it's": pyStr(`a\b`)},
			`{"it's": 'a\\b', 'on': True, 'when': datetime(2015, 1, 1)}`},
	} {
		require.Equal(t, tc.want, pformat(tc.v))
	}
}
