package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Issue 5: docs/writing-features.md is "generated from the step
// definitions so it cannot drift". A new or changed step fails this test
// until the page is regenerated.
func TestWritingFeaturesIsCurrent(t *testing.T) {
	want, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../docs/writing-features.md")
	if err != nil {
		t.Fatalf("%v (run: go generate ./cmd/stepdoc)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("docs/writing-features.md is stale: run go generate ./cmd/stepdoc")
	}
}

// Every registered step is on the page, each with its expression.
func TestEveryStepIsListed(t *testing.T) {
	defs, err := registered()
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := Generate()
	for _, d := range defs {
		if !strings.Contains(string(doc), "`"+d.expr+"`") {
			t.Errorf("step %s is not on the page", d.expr)
		}
	}
	if len(defs) < 50 {
		t.Errorf("only %d step definitions found", len(defs))
	}
}
