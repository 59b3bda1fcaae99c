package control

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/xfer-conform/xfer-conform/client/internal/wire"
)

// callSamples are call objects as pbxsim writes them (indented, with
// fields this client does not keep), and odd ones the fast path must
// leave to encoding/json.
var callSamples = []string{
	`{
  "id": "c-1",
  "origin": "call",
  "state": "ended",
  "seq": 12,
  "created": "2026-01-01T00:00:00Z",
  "ended": "2026-01-01T00:00:05.5Z",
  "vendor": {
    "ringcentral": {
      "sessionId": "9",
      "telephonySessionId": "s-1"
    }
  },
  "legs": [
    {
      "id": "L1",
      "index": 1,
      "state": "answered",
      "reason": "moved",
      "direction": "outbound",
      "endpoint": {
        "tenantId": "37439510",
        "userId": "101",
        "number": "101"
      },
      "from": {},
      "to": {
        "number": "+15555550100",
        "name": "Customer"
      },
      "muted": true,
      "peer": {
        "callId": "c-2",
        "legId": "L4"
      },
      "movedFrom": {
        "callId": "c-3",
        "legId": "L5"
      },
      "parkOrbit": "801",
      "created": "2026-01-01T00:00:00Z",
      "answered": "2026-01-01T00:00:01Z",
      "vendor": {
        "ringcentral": {
          "partyId": "p-1-1",
          "telephonySessionId": "s-1"
        }
      }
    },
    {
      "id": "L2",
      "index": 2,
      "state": "proceeding",
      "direction": "inbound",
      "endpoint": {},
      "from": {},
      "to": {},
      "muted": false,
      "created": "2026-01-01T00:00:00Z"
    }
  ]
}
`,
	`{"id":"c-1","legs":[]}`, `{"id":"c-1","vendor":{}}`, `{"vendor":{"a":{}}}`, `{"seq":-0}`, `{"seq":1.5}`, `{"seq":1e3}`, `{"seq":9223372036854775808}`,
	`{"seq":-9223372036854775808}`, `{"legs":[{"index":9223372036854775807}]}`, `{"seq":"1"}`, `{"ID":"c"}`, `{"id":"a","id":"b"}`,
	`{"vendor":{"a":{"x":"1"},"a":{"y":"2"}}}`, `{"vendor":{"a":{"x":"1","x":"2"}}}`, `{"vendor":{"A":{"x":"1"},"a":{"x":"2"}}}`, `{"vendor":null}`,
	`{"vendor":{"a":null}}`, `{"vendor":{"a":{"x":null}}}`, `{"vendor":{"a":{"x":1}}}`, `{"vendor":{"caf\u00e9":{}}}`, `{"legs":[{"peer":null}]}`,
	`{"legs":[{"peer":{"callId":"c"},"peer":{"legId":"l"}}]}`, `{"legs":[{"Muted":true}]}`, `{"legs":null}`, `{"id":"c"} x`, `[]`, `null`, `{}`, `{"seq":}`,
	`{"legs":[{"endpoint":{"userId":"1","USERID":"2"}}]}`, `{"state":"a\u0062"}`, "{\"id\":\"\xff\"}",
}

func compareCallDecoders(t *testing.T, body string) {
	t.Helper()
	var fast, plain Call
	ferr := decodeAnswer([]byte(body), freshCall{&fast})
	perr := json.Unmarshal([]byte(body), &plain)
	if fmt.Sprint(ferr) != fmt.Sprint(perr) || !reflect.DeepEqual(fast, plain) {
		t.Fatalf("call of %q:\nfast  %+v (%v)\njson  %+v (%v)", body, fast, ferr, plain, perr)
	}
}

// Rule: the fast decoding of the call object gives what encoding/json
// gives, value and error, for the answers pbxsim writes, odd ones, and
// every cut of each. Source: issue 16 (a cheaper client that decodes the
// same).
func TestFastCallDecodingIsEncodingJSONs(t *testing.T) {
	for _, body := range callSamples {
		for cut := 0; cut <= len(body); cut++ {
			compareCallDecoders(t, body[:cut])
		}
	}
	var c Call
	if d := decoderOf(callSamples[0]); !decodeCall(&d, &c) || !d.End() {
		t.Fatal("the fast path refused pbxsim's own call object")
	}
}

// FuzzFastCallDecoding: the same comparison on any input.
func FuzzFastCallDecoding(f *testing.F) {
	for _, s := range callSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { compareCallDecoders(t, body) })
}

func decoderOf(s string) wire.Decoder { return wire.NewDecoder([]byte(s)) }
