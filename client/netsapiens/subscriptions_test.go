package netsapiens

import (
	"context"
	"net/http/httptest"
	"testing"
)

// Source: reference/netsapiens.md §6.1: POST /domains/{domain}/subscriptions
// with model and post-url answers 200 with the subscription; DELETE takes
// {"subscription_id","domain"}.
func TestSubscribeAndUnsubscribe(t *testing.T) {
	rec := &recorder{status: 200, body: `{"id":"f38d","model":"call","post-url":"http://h/x","status":"pending","error-count":0,"posts-count":0}`}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
	sub, err := c.Subscribe(context.Background(), SubscriptionRequest{Model: ModelCall, PostURL: "http://h/x"})
	if err != nil || sub.ID != "f38d" || sub.Status != "pending" {
		t.Fatalf("Subscribe = %+v, %v", sub, err)
	}
	if want := `POST /ns-api/v2/domains/TEST/subscriptions {"model":"call","post-url":"http://h/x","domain":"TEST"}`; rec.got[0] != want {
		t.Errorf("sent %s\nwant %s", rec.got[0], want)
	}
	rec.status, rec.body = 202, `{"code":202,"message":"Accepted"}`
	if err := c.Unsubscribe(context.Background(), "f38d"); err != nil {
		t.Fatal(err)
	}
	if want := `DELETE /ns-api/v2/domains/TEST/subscriptions/f38d {"domain":"TEST","subscription_id":"f38d"}`; rec.got[1] != want {
		t.Errorf("sent %s\nwant %s", rec.got[1], want)
	}
	if _, err := c.Subscribe(context.Background(), SubscriptionRequest{Model: ModelCall}); err == nil {
		t.Error("a subscription without post-url was sent")
	}
}

// A read by id may come back as an object or a one-element array.
func TestSubscriptionByIDAcceptsBothShapes(t *testing.T) {
	for _, body := range []string{`{"id":"a","status":"active"}`, `[{"id":"a","status":"active"}]`} {
		srv := httptest.NewServer(&recorder{status: 200, body: body})
		c, _ := New(Config{BaseURL: srv.URL, Domain: "TEST", Auth: APIKey("k")})
		sub, err := c.SubscriptionByID(context.Background(), "a")
		if err != nil || sub.Status != "active" {
			t.Errorf("%s: %+v %v", body, sub, err)
		}
		srv.Close()
	}
}
