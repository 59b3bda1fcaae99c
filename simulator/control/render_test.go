package control

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator"
)

// encoded is the call object as writeJSON's indented encoder writes it.
func encoded(t *testing.T, v CallView) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// fill sets every field of v, at any depth, from the strings given in
// turn (pointers, maps and slices included), so a field added to the view
// later shows up in the comparison without anyone listing it.
func fill(v reflect.Value, strs []string, n *int) {
	next := func() string { *n++; return strs[*n%len(strs)] }
	switch v.Kind() {
	case reflect.String:
		v.SetString(next())
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n*7919 - 3))
		*n++
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), strs, n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), strs, n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		for i := 0; i < 3; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			fill(k, strs, n)
			e := reflect.New(v.Type().Elem()).Elem()
			fill(e, strs, n)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		if t, ok := v.Addr().Interface().(*time.Time); ok {
			*t = time.Date(2026, 1, 2, 3, 4, 5, *n*1000, time.FixedZone("x", (*n%5)*1800))
			*n++
			return
		}
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), strs, n)
		}
	default:
		panic(fmt.Sprintf("fill: no case for %s", v.Type()))
	}
}

// Rule: the hand-rendered call object is byte for byte what encoding/json
// wrote (indented, HTML escaped, keys of maps sorted, omitempty fields
// left out, the final newline), for every field set or unset and for
// strings that need escaping. Source: issue 16 (the control API's answers
// keep their bytes).
func TestCallViewRendersAsEncodingJSON(t *testing.T) {
	tricky := []string{"c-1", "", "a\"b\\c", "<script>&amp;", "é ü", "\u2028\u2029", "\x00\x1f", "\xff\xfe", "ringcentral.telephonySessionId", "L2", "+15555550100", "netsapiens.callid", "core.x"}
	var calls []simulator.Call
	for start := 0; start < len(tricky); start++ {
		var c simulator.Call
		n := start
		fill(reflect.ValueOf(&c).Elem(), tricky, &n)
		calls = append(calls, c)
	}
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	calls = append(calls,
		simulator.Call{},
		simulator.Call{ID: "c-1", Created: created, Legs: []simulator.Leg{}},
		simulator.Call{ID: "c-2", Created: created, Ended: created.Add(time.Second),
			Attrs: map[string]string{"b.y": "2", "b.x": "1", "a.z": "0", "plain": "p"},
			Legs: []simulator.Leg{
				{ID: "L1", Created: created, Attrs: map[string]string{"b.x": "leg wins", "c.w": "3"}},
				{ID: "L2", Peer: &simulator.LegRef{}, Endpoint: simulator.Endpoint{Number: "101"}, Answered: created},
			}},
	)
	for i, c := range calls {
		want := encoded(t, viewCall(c))
		got, ok := appendCall(nil, c)
		if !ok || string(got) != want {
			t.Errorf("call %d: rendered (ok %v)\n%s\nencoding/json\n%s", i, ok, got, want)
		}
	}
}

// Rule: two IDs of one map that the view files under the same name
// (which wins depends on the map's order) are left to encoding/json, as
// the answer was before. Source: issue 16.
func TestCallViewWithIDsUnderOneNameFallsBack(t *testing.T) {
	c := simulator.Call{ID: "c-1", Attrs: map[string]string{"x": "1", "core.x": "2"}}
	if _, ok := appendCall(nil, c); ok {
		t.Fatal("rendered two IDs under core.x")
	}
	rec := httptest.NewRecorder()
	writeCall(rec, 200, c)
	var v CallView
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil || v.ID != "c-1" || v.Vendor["core"]["x"] == "" {
		t.Fatalf("answer %q (%v)", rec.Body.String(), err)
	}
}

// Rule: a call whose times encoding/json refuses is answered as before
// (the status and an empty body), not rendered half. Source: issue 16.
func TestCallViewWithATimeEncodingJSONRefuses(t *testing.T) {
	c := simulator.Call{ID: "c-1", Created: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, ok := appendCall(nil, c); ok {
		t.Fatal("year 10000 rendered")
	}
	rec := httptest.NewRecorder()
	writeCall(rec, 200, c)
	if rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("answer %d %q", rec.Code, rec.Body.String())
	}
}
