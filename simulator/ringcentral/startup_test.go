package ringcentral

import (
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Rule: GET /restapi/v1.0 answers ApiVersionInfo and GET /restapi
// ApiVersionsList, without a token (apps check the server at start-up).
// Source: issue 13 item 1; SPEC readAPIVersion, readAPIVersions.
func TestAPIVersion(t *testing.T) {
	w := newWorld(t, nil, Options{})
	r := w.call(http.MethodGet, "/restapi/v1.0", "", nil)
	expect(t, "api version", r, 200, "uriString", "v1.0", "uri", w.srv.URL+"/restapi/v1.0")
	if r.json.Get("versionString").String() == "" || r.json.Get("releaseDate").String() == "" {
		t.Fatalf("version info lacks versionString or releaseDate: %s", r.raw)
	}
	r = w.call(http.MethodGet, "/restapi", "", nil)
	expect(t, "api versions", r, 200, "apiVersions.0.uriString", "v1.0")
}

// Rule: the extension list pages as EnumeratedPagingModel with navigation
// links and filters by extensionNumber, status and type; bad paging
// answers 400 CMN-101 naming the parameter.
// Source: issue 13 item 1; SPEC listExtensions, GetExtensionListResponse, PerPageWithMax.
func TestExtensionListPagingAndFilters(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	all := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension", tok, nil)
	expect(t, "extension list", all, 200, "paging.page", "1", "paging.perPage", "100", "paging.pageStart", "0")
	n := int(all.json.Get("paging.totalElements").Int())
	if n < 3 || len(all.json.Get("records").Array()) != n {
		t.Fatalf("want every extension of the account: %s", all.raw)
	}
	expect(t, "first record", all, 200, "records.0.type", "User", "records.0.status", "Enabled")
	if all.json.Get("records.0.id").Type.String() != "Number" {
		t.Fatalf("extension id must be a JSON number (SPEC int64): %s", all.raw)
	}

	p2 := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension?perPage=1&page=2", tok, nil)
	expect(t, "page 2", p2, 200, "paging.page", "2", "paging.perPage", "1", "paging.pageStart", "1", "paging.pageEnd", "1",
		"records.#", "1", "records.0.id", all.json.Get("records.1.id").String())
	if !strings.Contains(p2.json.Get("navigation.previousPage.uri").String(), "page=1") ||
		!strings.Contains(p2.json.Get("navigation.nextPage.uri").String(), "page=3") {
		t.Fatalf("navigation links: %s", p2.raw)
	}

	one := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension?extensionNumber=103", tok, nil)
	expect(t, "by number", one, 200, "records.#", "1", "records.0.id", extAgentK, "records.0.extensionNumber", "103")
	none := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension?type=IvrMenu", tok, nil)
	expect(t, "no IVR menus", none, 200, "records.#", "0", "paging.totalElements", "0")
	if none.json.Get("paging.pageStart").Exists() {
		t.Fatalf("an empty page carries no pageStart (SPEC): %s", none.raw)
	}

	expectError(t, "page 0", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension?page=0", tok, nil), 400, "CMN-101", "page", "page")
	expectError(t, "bad type", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension?type=Robot", tok, nil), 400, "CMN-101", "type", "type")
}

// Rule: an extension's phone-number list has its direct numbers (the first
// primary) and the company's main number.
// Source: issue 13 item 1; SPEC listExtensionPhoneNumbers, UserPhoneNumberInfo.
func TestExtensionPhoneNumbers(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	r := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/phone-number", tok, nil)
	expect(t, "phone numbers", r, 200, "records.0.usageType", "DirectNumber", "records.0.primary", "true",
		"records.0.extension.extensionNumber", "102", "records.0.status", "Normal")
	x, _ := w.d.dir().extension(acct, extAgentJ)
	if got := r.json.Get("records.0.phoneNumber").String(); len(x.Numbers) == 0 || got != x.Numbers[0] {
		t.Fatalf("first number %q, want the extension's %v: %s", got, x.Numbers, r.raw)
	}
	main := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/phone-number?usageType=MainCompanyNumber", tok, nil)
	expect(t, "main number", main, 200, "records.#", "1", "records.0.phoneNumber", w.d.dir().accounts[acct].MainNumber)
	expectError(t, "unknown extension", w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/999/phone-number", tok, nil),
		404, "CMN-102", "extensionId", "extensionId")
}

// Rule: active calls list the calls in progress as call-log records with
// result "In Progress"; a finished warm transfer leaves the operator with
// none, and the call log then holds a record for each party's view: the
// operator's two calls (the survivor naming the consult's session as
// transferTarget, the consult call naming the survivor as transferee) and
// the consult's call, with one leg per party in the detailed view.
// Source: issue 13 item 1; SPEC listExtensionActiveCalls, readUserCallLog,
// readCompanyCallLog, CallLogRecord (transferTarget, transferee, legs).
func TestActiveCallsAndCallLogAfterWarmTransfer(t *testing.T) {
	w := newWorld(t, nil, Options{})
	wc := setupWarmTransfer(t, w)
	active := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/active-calls", wc.opTok, nil)
	expect(t, "operator's active calls", active, 200, "records.#", "2", "records.0.result", "In Progress",
		"records.0.telephonySessionId", wc.sidB, "records.1.telephonySessionId", wc.sidA, "records.1.direction", "Inbound")
	acc := w.call(http.MethodGet, "/restapi/v1.0/account/~/active-calls?direction=Outbound", wc.opTok, nil)
	expect(t, "company's outbound active calls", acc, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidB)

	r := w.call(http.MethodPost, partyPath(wc.sidA, wc.opA)+"/bridge", wc.opTok,
		map[string]string{"telephonySessionId": wc.sidB, "partyId": wc.opB})
	expect(t, "bridge", r, 200, "status.code", "Gone")
	active = w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/active-calls", wc.opTok, nil)
	expect(t, "operator's active calls after the bridge", active, 200, "records.#", "0")
	consActive := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/active-calls", wc.consTok, nil)
	expect(t, "consult's active calls after the bridge", consActive, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidA)

	w.clk.Advance(90 * time.Second)
	r = w.call(http.MethodDelete, sessionPath(wc.sidA), wc.consTok, nil)
	if r.status != http.StatusNoContent {
		t.Fatalf("hang up the bridged call: %s", r)
	}

	log := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?view=Detailed", wc.opTok, nil)
	expect(t, "operator's call log", log, 200, "records.#", "2",
		"records.0.telephonySessionId", wc.sidB, "records.0.direction", "Outbound", "records.0.result", "Call connected",
		"records.0.transferee.telephonySessionId", wc.sidA, "records.0.partyId", wc.opB,
		"records.1.telephonySessionId", wc.sidA, "records.1.direction", "Inbound", "records.1.result", "Accepted",
		"records.1.transferTarget.telephonySessionId", wc.sidB, "records.1.partyId", wc.opA,
		"records.1.from.phoneNumber", customerNo, "records.1.extension.id", extAgentJ)
	if n := len(log.json.Get("records.1.legs").Array()); n != 3 {
		t.Fatalf("session A's detailed record has %d legs, want 3 (customer, operator, consult): %s", n, log.raw)
	}
	expect(t, "legs", log, 200, "records.1.legs.0.master", "true", "records.1.legs.2.legType", "TransferCall")

	simple := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log", wc.opTok, nil)
	if simple.json.Get("records.0.legs").Exists() {
		t.Fatalf("the Simple view has no legs: %s", simple.raw)
	}
	cons := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log", wc.consTok, nil)
	expect(t, "consult's call log", cons, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidB,
		"records.0.direction", "Inbound", "records.0.result", "Accepted")
	company := w.call(http.MethodGet, "/restapi/v1.0/account/~/call-log", wc.opTok, nil)
	expect(t, "company call log", company, 200, "records.#", "2")

	// Filters.
	in := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?direction=Inbound", wc.opTok, nil)
	expect(t, "inbound only", in, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidA)
	fax := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?type=Fax", wc.opTok, nil)
	expect(t, "no faxes", fax, 200, "records.#", "0")
	future := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?dateFrom="+w.clk.Now().Add(time.Second).UTC().Format("2006-01-02T15:04:05.000Z"), wc.opTok, nil)
	expect(t, "dateFrom after the calls", future, 200, "records.#", "0")
	past := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?dateTo=2000-01-01T00:00:00Z", wc.opTok, nil)
	expect(t, "dateTo before the calls", past, 200, "records.#", "0")
	bySession := w.call(http.MethodGet, "/restapi/v1.0/account/~/call-log?telephonySessionId="+wc.sidB, wc.opTok, nil)
	expect(t, "by telephonySessionId", bySession, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidB)
	byNumber := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?phoneNumber="+url.QueryEscape(customerNo), wc.opTok, nil)
	expect(t, "by phoneNumber", byNumber, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidA)
	paged := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log?perPage=1&page=2", wc.opTok, nil)
	expect(t, "page 2 of 2", paged, 200, "records.#", "1", "records.0.telephonySessionId", wc.sidA, "paging.totalPages", "2")

	expectError(t, "bad view", w.call(http.MethodGet, "/restapi/v1.0/account/~/call-log?view=Full", wc.opTok, nil), 400, "CMN-101", "view", "view")
	expectError(t, "bad dateFrom", w.call(http.MethodGet, "/restapi/v1.0/account/~/call-log?dateFrom=yesterday", wc.opTok, nil), 400, "CMN-101", "dateFrom", "dateFrom")
	expectError(t, "bad direction", w.call(http.MethodGet, "/restapi/v1.0/account/~/call-log?direction=Sideways", wc.opTok, nil), 400, "CMN-101", "direction", "direction")
}

// Rule: the call log outlives the core's retention of ended calls.
// Source: issue 13 item 1 ("the call log must reflect what happened in pbxsim").
func TestCallLogOutlivesRetention(t *testing.T) {
	w := newWorld(t, nil, Options{})
	tok := w.login("jwt-102")
	sid, opParty, _ := w.customerCalls("102")
	r := w.call(http.MethodPost, partyPath(sid, opParty)+"/answer", tok, nil)
	expect(t, "answer", r, 200)
	r = w.call(http.MethodDelete, sessionPath(sid), tok, nil)
	if r.status != http.StatusNoContent {
		t.Fatalf("hang up: %s", r)
	}
	awaitCallLogged(t, w, sid)
	w.clk.Advance(w.sc.Retention.D() + time.Second)
	if _, ok := w.sim.LookupCall(attrSession, sid); ok {
		t.Fatal("the core should have forgotten the call")
	}
	log := w.call(http.MethodGet, "/restapi/v1.0/account/~/extension/~/call-log", tok, nil)
	expect(t, "call log after retention", log, 200, "records.#", "1", "records.0.telephonySessionId", sid)
}

// awaitCallLogged waits (up to await) until the recorder goroutine has
// logged a session.
func awaitCallLogged(t *testing.T, w *world, sid string) {
	t.Helper()
	deadline := time.Now().Add(await)
	for time.Now().Before(deadline) {
		w.d.calllog.mu.Lock()
		found := false
		for _, lc := range w.d.calllog.byAccount[acct].calls(nil) {
			found = found || lc.call.Attrs[attrSession] == sid
		}
		w.d.calllog.mu.Unlock()
		if found {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("session %s never reached the call log", sid)
}
