package steps

import (
	"strings"
	"testing"

	"github.com/xfer-conform/xfer-conform/steps/target"
)

// Secrets never appear in any output or report (issue 5); what is not a
// secret, like an HTTP status after a token URL, stays readable.
func TestRedact(t *testing.T) {
	cases := map[string]string{
		`Authorization: Bearer U1BCMDFUMDRQQVMwMnxBQUFR`:                           `Authorization: Bearer [redacted]`,
		`key nsd_QLTzfB3v6vVySzayxfEo1adY7n4O0zB2I6NKXEf7taE2IYvcb9ea433f refused`: `key nsd_[redacted] refused`,
		`{"access_token":"abc.def","expires_in":3600}`:                             `{"access_token":"[redacted]","expires_in":3600}`,
		`grant_type=password&password=hunter2&username=102`:                        `grant_type=password&password=[redacted]&username=102`,
		`?access_token=xyz&wsc=tok`:                                                `?access_token=[redacted]&wsc=[redacted]`,
		`POST /restapi/oauth/token: 401 OAU-144`:                                   `POST /restapi/oauth/token: 401 OAU-144`,
		`assertion: jwt-102`:                                                       `assertion: [redacted]`,
	}
	for in, want := range cases {
		if got := target.Redact(in); got != want {
			t.Errorf("target.Redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
	if strings.Contains(target.Redact(`password:"s3cret"`), "s3cret") {
		t.Error("quoted password kept")
	}
}
