package ringcentral

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readRCTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ringcentral-client", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Source: testdata/ringcentral-client/event-shape.json is the reviewed copy
// of the guide's event shape; the compiled-in one must not drift from it.
func TestRCEventShapeMatchesTestdata(t *testing.T) {
	var file rcEventShape
	if err := json.Unmarshal(readRCTestdata(t, "event-shape.json"), &file); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(file, rcGuideEventShape) {
		t.Fatalf("event-shape.json and rcGuideEventShape differ:\nfile:     %+v\ncompiled: %+v", file, rcGuideEventShape)
	}
}

// Source: seeds/ringcentral-warm-transfer.md sample events: both conform
// to the shape, and a damaged copy does not.
func TestRCEventShapeAcceptsTheGuideSamples(t *testing.T) {
	for _, name := range []string{"seed-cust-to-oper-event.json", "seed-oper-to-cust-event.json"} {
		raw := readRCTestdata(t, name)
		// The samples' subscription id is a UUID with hex digits only.
		if problems := rcGuideEventShape.check(raw); len(problems) > 0 {
			t.Errorf("%s does not fit the shape: %v", name, problems)
		}
	}
	raw := string(readRCTestdata(t, "seed-cust-to-oper-event.json"))
	damaged := map[string]string{
		"party of another session":  strings.Replace(raw, `"p-a39d666edaab42fdaa476135027819bc-2"`, `"p-9d11ac1bba524888bffaaef0488557c3-2"`, 1),
		"swapped session and party": strings.Replace(raw, `"telephonySessionId": "s-a39d666edaab42fdaa476135027819bc"`, `"telephonySessionId": "p-a39d666edaab42fdaa476135027819bc-2"`, 1),
		"missing sessionId":         strings.Replace(raw, `"sessionId": "11403473005",`, ``, 1),
		"unknown key":               strings.Replace(raw, `"missedCall": false,`, `"missedCall": false, "owner": {},`, 1),
		"timestamp without millis":  strings.Replace(raw, `"2020-12-10T23:48:50.138Z"`, `"2020-12-10T23:48:50Z"`, 1),
	}
	for what, doc := range damaged {
		if doc == raw {
			t.Fatalf("%s: the damage did not apply", what)
		}
		if problems := rcGuideEventShape.check([]byte(doc)); len(problems) == 0 {
			t.Errorf("%s: the shape check accepted it", what)
		}
	}
}
