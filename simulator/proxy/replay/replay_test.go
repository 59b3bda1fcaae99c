package replay

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xfer-conform/xfer-conform/simulator/proxy"
	"github.com/xfer-conform/xfer-conform/simulator/scenario"
)

// Rule: a replay of an odd recording (entries without their parts, frames
// of a socket never opened, a socket the replay cannot open, a path that
// is not one) reports differences and never panics; a recording with no
// scenario asks for one.
// Source: DESIGN.md (every input is hostile until checked).
func TestOddRecordingsReplayWithoutPanic(t *testing.T) {
	entries := []proxy.Entry{
		{Kind: proxy.KindSession, Seq: 1, Version: proxy.FormatVersion, Upstream: "::bad"},
		{Kind: proxy.KindExchange, Seq: 2},
		{Kind: proxy.KindExchange, Seq: 3, Request: &proxy.Request{Method: "GET", Path: "/%zz"}, Response: &proxy.Response{Status: 200}},
		{Kind: proxy.KindExchange, Seq: 4, Request: &proxy.Request{Method: "bad method", Path: "/"}, Response: &proxy.Response{Status: 200}},
		{Kind: proxy.KindWSFrame, Seq: 5, Socket: 9, From: proxy.FromServer},
		{Kind: proxy.KindWSOpen, Seq: 6, Socket: 1, Target: "ws://127.0.0.1:1/nothing"},
		{Kind: proxy.KindWSFrame, Seq: 7, Socket: 1, From: proxy.FromClient, Body: proxy.Body{Text: "x"}},
		{Kind: proxy.KindWSClose, Seq: 8, Socket: 1},
		{Kind: proxy.KindWebhook, Seq: 9},
		{Kind: "unknown", Seq: 10},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := Session(ctx, entries, Options{}); !errors.Is(err, ErrNoScenario) {
		t.Fatalf("no scenario: %v", err)
	}
	res, err := Session(ctx, entries, Options{Scenario: scenario.Default(), Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() {
		t.Fatal("an odd recording replayed green")
	}
}
