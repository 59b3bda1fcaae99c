package ringcentral

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// decodeSamples are answers as pbxsim and the platform write them, and
// the odd ones the fast path must leave to encoding/json.
var decodeSamples = []string{
	`{"id":"s-1","origin":{"type":"Call"},"parties":[{"accountId":"37439510","extensionId":"101","id":"p-1-1","direction":"Inbound","to":{"phoneNumber":"+16505550101","name":"Operator","extensionId":"101"},"from":{"phoneNumber":"+15555550100"},"status":{"code":"Answered","rcc":false},"park":{},"standAlone":false,"muted":false,"owner":{"accountId":"37439510","extensionId":"101"}},{"id":"p-1-2","direction":"Outbound","to":{},"from":{"deviceId":"d-1"},"status":{"code":"Gone","reason":"AttendedTransfer","rcc":true,"peerId":{"telephonySessionId":"s-2","sessionId":"9","partyId":"p-2-1"},"parkData":"x"},"park":{"id":"801"},"missedCall":true,"standAlone":true,"muted":true,"recordings":[{"id":"r-1","active":true}]}],"creationTime":"2026-01-01T00:00:00Z"}`,
	`{"session":{"id":"s-2","origin":{"type":"Call"},"parties":[]}}`,
	`{"session":{"id":"s-2"},"extra":[1,-2.5e+3,0,true,false,null,"a\"\\\/\b\f\n\r\t\u00e9",{"k":[]}]}`,
	`{"id":"p-1","status":{"code":"Hold","mobilePickupData":{"ccMsid":"x","sid":"y","to":["a"],"srvLvl":"-118","srvLvlExt":"-68"},"rcc":false}}`,
	` {"id" : "s-1" , "parties" : [ ] } ` + "\n",
	`{"ID":"s-1"}`, `{"Id":"s-1","parties":null}`, `{"id":"s-1","id":"s-2"}`, `{"from":{"name":"a"},"from":{"deviceId":"b"}}`,
	`{"parties":[{"id":"a","muted":true}],"parties":[{"id":"b"}]}`, `{"id":null}`, `{"id":5}`, `{"muted":"yes"}`, `{"owner":null}`,
	`{"id":"caf\u00e9"}`, "{\"id\":\"caf\xc3\xa9\"}", "{\"id\":\"\xff\"}", `{"id":"a\nb"}`, `{"id":"<&>"}`, `{"status":{"peerId":{}}}`,
	`{"id":"s-1"} x`, `{"id":"s-1"}{}`, `[]`, `"s"`, `null`, `{}`, `{"id":}`, `{"id":"s-1",}`, `{"x":01}`, `{"x":-}`, `{"x":1.}`, `{"x":1e}`,
	`{"x":tru}`, `{"x":nul}`, `{"x":"\x01"}`, `{"x":"\u12"}`, `{"x":"\q"}`, `{"x":[1,]}`, `{"x":{"a":1,}}`, `{"session":5}`, `{"session":{"id":"a"},"session":{"id":"b"}}`,
	`{"Session":{"id":"a"}}`, `{"id":"s-1","creationTime":"t","origin":{"type":"Call","type":"X"}}`, `{"muted":true,"standAlone":false,"missedCall":false}`,
	`{"status":{"code":"Answered","description":"d","reason":"r","rcc":true}}`, `{"park":{"id":"1","ID":"2"}}`,
}

// outs are the three answer shapes, each decoded fast and by
// encoding/json into the type callers used before.
var outs = []struct {
	name  string
	fast  func(b []byte) (any, error)
	plain func(b []byte) (any, error)
}{
	{"session", func(b []byte) (any, error) { var s Session; err := decodeAnswer(b, freshSession{&s}); return s, err },
		func(b []byte) (any, error) { var s Session; err := json.Unmarshal(b, &s); return s, err }},
	{"party", func(b []byte) (any, error) { var p Party; err := decodeAnswer(b, freshParty{&p}); return p, err },
		func(b []byte) (any, error) { var p Party; err := json.Unmarshal(b, &p); return p, err }},
	{"call-out", func(b []byte) (any, error) { var s Session; err := decodeAnswer(b, freshCallOut{&s}); return s, err },
		func(b []byte) (any, error) {
			var out struct {
				Session Session `json:"session"`
			}
			err := json.Unmarshal(b, &out)
			return out.Session, err
		}},
}

func compareDecoders(t *testing.T, body string) {
	t.Helper()
	for _, o := range outs {
		got, gerr := o.fast([]byte(body))
		want, werr := o.plain([]byte(body))
		if fmt.Sprint(gerr) != fmt.Sprint(werr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s of %q:\nfast  %+v (%v)\njson  %+v (%v)", o.name, body, got, gerr, want, werr)
		}
	}
}

// Rule: the fast decoding of sessions and parties gives what
// encoding/json gives, value and error, for every answer: the usual ones,
// unknown fields of any shape, keys in another case, repeated keys,
// nulls, wrong types, escapes, non-ASCII, white space, syntax errors, and
// every cut of each. Source: issue 16 (a cheaper reference client that
// decodes the same).
func TestFastDecodingIsEncodingJSONs(t *testing.T) {
	for _, body := range decodeSamples {
		for cut := 0; cut <= len(body); cut++ {
			compareDecoders(t, body[:cut])
		}
	}
}

// FuzzFastDecoding: the same comparison on any input.
func FuzzFastDecoding(f *testing.F) {
	for _, s := range decodeSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { compareDecoders(t, body) })
}

// The fast path must take the usual answers, or it saves nothing.
func TestFastDecodingTakesTheUsualAnswers(t *testing.T) {
	for _, body := range decodeSamples[:5] {
		var s Session
		var p Party
		d, e := newDecoder([]byte(body)), newDecoder([]byte(body))
		if !(d.session(&s) && d.End()) && !(e.party(&p) && e.End()) && !strings.HasPrefix(body, `{"session"`) {
			t.Errorf("fast path refused %s", body)
		}
	}
}
