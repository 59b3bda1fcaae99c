package contract

import (
	"context"
	"net/http"
)

// judgeKey is the context key of a judge of type J: one key type per J,
// so two dialects mounted on one server never read each other's judge.
type judgeKey[J any] struct{}

// Middleware puts judge in every request's context, so the dialect's body
// reader, deep in a handler, can find who judges the body (the dialect,
// which knows the tenant's strictness) without a package variable.
//
//	api.Use(contract.Middleware(d))
//	...
//	d, ok := contract.JudgeOf[*Dialect](r)
func Middleware[J any](judge J) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), judgeKey[J]{}, judge)))
		})
	}
}

// JudgeOf finds the judge Middleware put in the request's context.
func JudgeOf[J any](r *http.Request) (J, bool) {
	j, ok := r.Context().Value(judgeKey[J]{}).(J)
	return j, ok
}
