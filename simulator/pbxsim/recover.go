package pbxsim

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/xfer-conform/xfer-conform/simulator"
	"github.com/xfer-conform/xfer-conform/simulator/faults"
)

// recoverPanics answers a request whose handler panicked with a 500 in
// the vendor's error shape (the dialect that owns the path) or the
// control API's, and journals the panic with its stack. net/http would
// recover too, but it drops the connection without an answer or a trace
// (issue 10 item 1). A panic after the answer began, or after a WebSocket
// upgrade, can only be journaled.
func recoverPanics(routes []faults.Route, sim *simulator.Sim) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pw := &panicWriter{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				dialect, vendor := "control", faults.Vendor(nil)
				for _, rt := range routes {
					if strings.HasPrefix(r.URL.Path, rt.Prefix) {
						dialect, vendor = rt.Dialect, rt.Vendor
						break
					}
				}
				answered := "answered 500"
				switch {
				case pw.hijacked:
					answered = "after a connection upgrade; no answer possible"
				case pw.wrote:
					answered = "after the answer began; the connection is closed"
				}
				sim.Journal().Record(simulator.JournalEntry{
					Time: sim.Now(), Dialect: dialect, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: http.StatusInternalServerError,
					Note: fmt.Sprintf("handler panicked (a pbxsim bug; please report it), %s: %v\n%s", answered, v, debug.Stack()),
				})
				switch {
				case pw.hijacked:
				case pw.wrote:
					panic(http.ErrAbortHandler) // let net/http close the connection quietly
				case vendor != nil:
					vendor.WriteFault(w, http.StatusInternalServerError, 0, "Internal Server Error")
				default:
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusInternalServerError)
					_, _ = w.Write([]byte(`{"error":{"code":"internal","message":"pbxsim failed on this request (a bug; the journal has the details)"}}` + "\n"))
				}
			}()
			next.ServeHTTP(pw, r)
		})
	}
}

// panicWriter notes whether the answer began, so a panic knows whether
// it can still answer.
type panicWriter struct {
	http.ResponseWriter
	wrote, hijacked bool
}

func (p *panicWriter) WriteHeader(code int) {
	if code >= 200 {
		p.wrote = true
	}
	p.ResponseWriter.WriteHeader(code)
}

func (p *panicWriter) Write(b []byte) (int, error) {
	p.wrote = true
	return p.ResponseWriter.Write(b)
}

// Flush passes flushes through.
func (p *panicWriter) Flush() {
	if f, ok := p.ResponseWriter.(http.Flusher); ok {
		p.wrote = true
		f.Flush()
	}
}

// Hijack lets WebSocket upgrades through.
func (p *panicWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := p.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("pbxsim: response writer cannot be hijacked")
	}
	p.hijacked = true
	return hj.Hijack()
}

// Unwrap lets http.ResponseController reach the connection.
func (p *panicWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
