package contract

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

type judgeA struct{ name string }
type judgeB struct{}

// Rule: a handler behind Middleware finds its judge; a judge of another
// type (another dialect) is not found, and a request outside the
// middleware has none.
// Source: issue 11 (the contract context key, once duplicated in both
// dialects' contracts.go).
func TestMiddlewareCarriesTheJudge(t *testing.T) {
	var gotA, gotB, okA, okB bool
	h := Middleware(&judgeA{"rc"})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := JudgeOf[*judgeA](r)
		gotA, okA = ok && a.name == "rc", ok
		_, okB = JudgeOf[*judgeB](r)
		gotB = okB
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if !okA || !gotA {
		t.Errorf("JudgeOf[*judgeA] = %v, %v; want the judge", gotA, okA)
	}
	if gotB {
		t.Error("JudgeOf[*judgeB] found a judge of another type")
	}
	if _, ok := JudgeOf[*judgeA](httptest.NewRequest(http.MethodGet, "/", nil)); ok {
		t.Error("JudgeOf outside the middleware found a judge")
	}
}
